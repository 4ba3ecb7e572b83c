import { z } from 'zod';
import { ZName } from './service-settings';

/**
 * Gateways use the UTF-8 bytes of the value as the HMAC key. RFC 7518 §3.2 requires a key at
 * least as long as the hash output, so 32 bytes (256 bits) for HS256; shorter keys can be
 * brute-forced offline from a single signed token.
 */
export const MIN_SECRET_BYTES = 32;
export const MAX_SECRET_BYTES = 4096;

// TextEncoder rather than Buffer: the console checks the same rule in the browser.
const utf8Length = (value: string): number => new TextEncoder().encode(value).length;

/**
 * The fields of a secret that operators set, each with its one rule. The control plane's create
 * and update (rotation) inputs derive their shapes from it.
 */
export const ZSecretFields = z.object({
  name: ZName,
  /** Write-only: sealed with AES-256-GCM, never returned. */
  value: z
    .string()
    .refine((value) => utf8Length(value) >= MIN_SECRET_BYTES, {
      message: `must be at least ${MIN_SECRET_BYTES} bytes: an HS256 key must be as long as the hash output (256 bits, RFC 7518 section 3.2), or a token signed with it can be brute-forced`,
    })
    .refine((value) => utf8Length(value) <= MAX_SECRET_BYTES, {
      message: `must be at most ${MAX_SECRET_BYTES} bytes`,
    }),
  description: z.string().trim().max(500),
});
export type SecretFields = z.infer<typeof ZSecretFields>;
