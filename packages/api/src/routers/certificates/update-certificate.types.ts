import { ZCertificateFields } from '@portico/config';

/** Rotation (certPem and keyPem together) and/or new hosts for a certificate found by name. */
export const ZUpdateCertificateInput = ZCertificateFields.partial({
  hosts: true,
  certPem: true,
  keyPem: true,
}).refine((input) => (input.certPem === undefined) === (input.keyPem === undefined), {
  message: 'a rotation gives certPem and keyPem together',
  path: ['keyPem'],
});
