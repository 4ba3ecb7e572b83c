import { ZCertificateHost, ZName } from '@portico/config';
import { z } from 'zod';

/** PEM text of a certificate chain or key; generous for long chains, bounded against abuse. */
export const ZPem = z.string().trim().min(1).max(65_536);
export const ZCertificateHosts = z.array(ZCertificateHost).min(1).max(100);

export const ZCreateCertificateInput = z.object({
  name: ZName,
  /** SNI names to serve it for; each must be in the certificate's subject alternative names. */
  hosts: ZCertificateHosts,
  /** The leaf certificate first, then any intermediates. */
  certPem: ZPem,
  /** Write-only: unencrypted PEM private key, sealed with AES-256-GCM, never returned. */
  keyPem: ZPem,
});
