import { z } from 'zod';
import { ZName } from './service-settings';

/** SNI names a certificate serves: exact host names or one leading `*.` wildcard label. */
export const ZCertificateHost = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'a host name, optionally starting with "*." for one wildcard label',
  );

/** PEM text of a certificate chain or key; generous for long chains, bounded against abuse. */
const ZPem = z.string().trim().min(1).max(65_536);

/**
 * The fields of a TLS certificate that operators set, each with its one rule. The control
 * plane's create and update inputs and the snapshot derive their shapes from it.
 */
export const ZCertificateFields = z.object({
  name: ZName,
  /** SNI names to serve it for; each must be in the certificate's subject alternative names. */
  hosts: z.array(ZCertificateHost).min(1).max(100),
  /** The leaf certificate first, then any intermediates. */
  certPem: ZPem,
  /** Write-only: unencrypted PEM private key, sealed with AES-256-GCM, never returned. */
  keyPem: ZPem,
});
export type CertificateFields = z.infer<typeof ZCertificateFields>;
