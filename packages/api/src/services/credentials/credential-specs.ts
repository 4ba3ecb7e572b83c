import { isPasswordHash } from '@portico/keys';
import { z } from 'zod';
import {
  ZEd25519CredentialSpec,
  ZHmacCredentialSpec,
  ZMtlsCredentialSpec,
} from './signing-credential-specs';

/**
 * What a person gives to create each kind of consumer credential, by kind. The console's and the
 * portal's forms, the procedures and the declarative apply all use these; a new kind is one more
 * member of `ZCredentialSpec` and one more entry in `CREDENTIAL_PREPARERS` (credential-kinds.ts).
 */

/** RFC 7617: a user-id must not contain ":"; control characters are refused too. */
export const ZBasicUsername = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[^:\p{Cc}]+$/u, 'must not contain ":" or control characters');

/** A password a person chooses; long enough that the stored hash is not the weak point. */
export const ZBasicPassword = z
  .string()
  .min(12, 'must be at least 12 characters (or leave it empty to have one generated)')
  .max(1024)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

export const ZBasicPasswordHash = z
  .string()
  .refine(
    isPasswordHash,
    'must be a scrypt hash "$scrypt$ln=…,r=…,p=…$<salt>$<hash>" (ln 10–20, r ≤ 16, p ≤ 4)',
  );

export const ZBasicCredentialSpec = z.object({
  kind: z.literal('basic'),
  username: ZBasicUsername,
  /** Absent: a strong password is generated and returned once. */
  password: ZBasicPassword.optional(),
});

export const ZCredentialSpec = z.discriminatedUnion('kind', [
  ZBasicCredentialSpec,
  ZHmacCredentialSpec,
  ZEd25519CredentialSpec,
  ZMtlsCredentialSpec,
]);
export type CredentialSpec = z.infer<typeof ZCredentialSpec>;

/** A credential's label, shared by the console's and the portal's inputs. */
export const ZCredentialName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .default('default');

/** Unset: the credential does not expire. */
export const ZCredentialExpiresInSeconds = z
  .number()
  .int()
  .min(60)
  .max(10 * 365 * 86_400)
  .optional();
