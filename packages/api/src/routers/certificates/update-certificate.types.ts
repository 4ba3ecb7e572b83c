import { ZName } from '@portico/config';
import { z } from 'zod';
import { ZCertificateHosts, ZPem } from './create-certificate.types';

/** Rotation (certPem and keyPem together) and/or new hosts for a certificate found by name. */
export const ZUpdateCertificateInput = z
  .object({
    name: ZName,
    hosts: ZCertificateHosts.optional(),
    certPem: ZPem.optional(),
    keyPem: ZPem.optional(),
  })
  .refine((input) => (input.certPem === undefined) === (input.keyPem === undefined), {
    message: 'a rotation gives certPem and keyPem together',
    path: ['keyPem'],
  });
