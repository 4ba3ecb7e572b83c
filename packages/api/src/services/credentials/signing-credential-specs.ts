import { z } from 'zod';

/** A keyid as signers put it in Signature-Input: a quoted-string without quotes or backslashes. */
export const ZKeyId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[A-Za-z0-9._~:@/+=-]+$/, 'may use letters, digits and . _ ~ : @ / + = -');

const PEM_PUBLIC_KEY = /^\s*-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/;
const PEM_CERTIFICATE = /^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;

/** An HMAC-SHA256 signing key: the gateway generates the secret and shows it once. */
export const ZHmacCredentialSpec = z.object({
  kind: z.literal('hmac'),
  /** Absent: one is generated (`hk_…`). */
  keyid: ZKeyId.optional(),
});

/** An Ed25519 signing key: the developer keeps the private key and uploads the public one. */
export const ZEd25519CredentialSpec = z.object({
  kind: z.literal('ed25519'),
  /** Absent: the key's RFC 7638 JWK thumbprint. */
  keyid: ZKeyId.optional(),
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`), e.g. `openssl pkey -in key.pem -pubout`. */
  publicKey: z
    .string()
    .max(10_000)
    .regex(PEM_PUBLIC_KEY, 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)'),
});

/**
 * A client certificate for mtls APIs, matched by its SHA-256 fingerprint (give the certificate
 * or the fingerprint) or by its subject (give the certificate or the subject).
 */
export const ZMtlsCredentialSpec = z
  .object({
    kind: z.literal('mtls'),
    matchBy: z.enum(['fingerprint', 'subject']).default('fingerprint'),
    certificate: z
      .string()
      .max(65_536)
      .regex(PEM_CERTIFICATE, 'must be one PEM certificate (-----BEGIN CERTIFICATE-----)')
      .optional(),
    /** SHA-256 of the DER certificate, hex, with or without colons. */
    fingerprint: z
      .string()
      .trim()
      .regex(
        /^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/,
        'must be a SHA-256 fingerprint (64 hex digits)',
      )
      .optional(),
    /** The subject DN, e.g. `O=Acme,CN=client-1` (OpenSSL's and the slash form are accepted). */
    subject: z.string().trim().min(3).max(1000).optional(),
  })
  .superRefine((spec, ctx) => {
    if (
      spec.matchBy === 'fingerprint' &&
      spec.certificate === undefined &&
      spec.fingerprint === undefined
    )
      ctx.addIssue({
        code: 'custom',
        path: ['fingerprint'],
        message: 'give the certificate or its SHA-256 fingerprint to match by fingerprint',
      });
    if (spec.matchBy === 'subject' && spec.certificate === undefined && spec.subject === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'give the certificate or its subject to match by subject',
      });
  });
