import { ZName } from '@portico/config';
import { z } from 'zod';

/**
 * Gateways use the UTF-8 bytes of the value as the HMAC key. RFC 7518 §3.2 requires a key at
 * least as long as the hash output, so 32 bytes (256 bits) for HS256; shorter keys can be
 * brute-forced offline from a single signed token.
 */
export const MIN_SECRET_BYTES = 32;
export const MAX_SECRET_BYTES = 4096;

export const ZSecretValue = z
  .string()
  .refine((value) => Buffer.byteLength(value, 'utf8') >= MIN_SECRET_BYTES, {
    message: `must be at least ${MIN_SECRET_BYTES} bytes: an HS256 key must be as long as the hash output (256 bits, RFC 7518 section 3.2), or a token signed with it can be brute-forced`,
  })
  .refine((value) => Buffer.byteLength(value, 'utf8') <= MAX_SECRET_BYTES, {
    message: `must be at most ${MAX_SECRET_BYTES} bytes`,
  });

export const ZCreateSecretInput = z.object({
  name: ZName,
  /** Write-only: sealed with AES-256-GCM, never returned. */
  value: ZSecretValue,
  description: z.string().trim().max(500).optional(),
});
