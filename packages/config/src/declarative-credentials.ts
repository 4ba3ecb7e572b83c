import { z } from 'zod';
import { canonicalSubject } from './certificate-subject';

/**
 * Consumer credentials other than API keys in the declarative file, by kind. A consumer that
 * lists `credentials:` gets exactly those (others of its are revoked); one that omits the key
 * keeps whatever it has, so credentials made in the console or the portal survive an apply.
 */

/** The shape of a stored password hash (`$scrypt$ln=…,r=…,p=…$salt$hash`); bounds are checked on apply. */
export const PASSWORD_HASH_SHAPE =
  /^\$scrypt\$ln=\d{1,2},r=\d{1,2},p=\d{1,2}\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

/** A credential's label; `default` when the file gives none. */
const ZCredentialLabel = z.string().trim().min(1).max(100).default('default');

/** Where the CLI reads a write-only secret from; the server is sent the value, never the name. */
const ZEnvVariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const ZDeclarativeBasicCredential = z
  .object({
    kind: z.literal('basic'),
    name: ZCredentialLabel,
    username: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^:\p{Cc}]+$/u, 'must not contain ":" or control characters'),
    /** The password's hash as `portico dump` writes it (scrypt, see docs/authentication.md). */
    passwordHash: z
      .string()
      .max(300)
      .regex(PASSWORD_HASH_SHAPE, 'must be a scrypt hash "$scrypt$ln=…,r=…,p=…$<salt>$<hash>"')
      .optional(),
    /** The environment variable the CLI reads the password from (it sends `password` instead). */
    passwordEnv: ZEnvVariableName.optional(),
    /** The clear password, as the CLI sends it after reading `passwordEnv`; hashed on apply. */
    password: z.string().min(12, 'must be at least 12 characters').max(1024).optional(),
  })
  .superRefine((credential, ctx) => {
    const given = [credential.passwordHash, credential.passwordEnv, credential.password].filter(
      (v) => v !== undefined,
    ).length;
    if (given !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['passwordHash'],
        message: 'give exactly one of passwordHash and passwordEnv',
      });
  });

/** A keyid as signers put it in Signature-Input. */
const ZKeyId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._~:@/+=-]+$/, 'may use letters, digits and . _ ~ : @ / + = -');

/**
 * An HMAC-SHA256 signing key. Its secret is write-only, as registry credentials are: the CLI
 * reads it from `secretEnv` and sends it as `secret`; absent, the stored secret is kept; `dump`
 * never writes it.
 */
export const ZDeclarativeHmacCredential = z
  .object({
    kind: z.literal('hmac'),
    name: ZCredentialLabel,
    keyid: ZKeyId,
    /** The environment variable the CLI reads the base64 secret from. */
    secretEnv: ZEnvVariableName.optional(),
    /** The base64 secret (32 to 512 bytes), as the CLI sends it after reading `secretEnv`. */
    secret: z
      .string()
      .max(700)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
      .refine((s) => {
        const bytes = Math.floor((s.replace(/=+$/, '').length * 3) / 4);
        return bytes >= 32 && bytes <= 512;
      }, 'must be 32 to 512 bytes (base64), e.g. openssl rand -base64 32')
      .optional(),
  })
  .refine((c) => c.secretEnv === undefined || c.secret === undefined, {
    message: 'give secretEnv or secret, not both',
    path: ['secretEnv'],
  });

/** An Ed25519 signing key: public material only, so the file can hold it whole. */
export const ZDeclarativeEd25519Credential = z.object({
  kind: z.literal('ed25519'),
  name: ZCredentialLabel,
  /** The keyid signers put in Signature-Input. */
  keyid: ZKeyId,
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  publicKey: z
    .string()
    .max(10_000)
    .regex(
      /^\s*-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/,
      'must be a PEM public key (-----BEGIN PUBLIC KEY-----)',
    ),
});

/**
 * A client certificate for mtls APIs, by its SHA-256 fingerprint or its subject (what gateways
 * match on); the certificate itself is registered in the console or the portal.
 */
export const ZDeclarativeMtlsCredential = z
  .object({
    kind: z.literal('mtls'),
    name: ZCredentialLabel,
    fingerprint: z
      .string()
      .regex(
        /^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/,
        'must be a SHA-256 fingerprint (64 hex digits)',
      )
      .optional(),
    subject: z.string().min(3).max(1000).optional(),
  })
  .refine((c) => (c.fingerprint === undefined) !== (c.subject === undefined), {
    message: 'give exactly one of fingerprint and subject',
    path: ['fingerprint'],
  });

export const ZDeclarativeCredential = z.discriminatedUnion('kind', [
  ZDeclarativeBasicCredential,
  ZDeclarativeHmacCredential,
  ZDeclarativeEd25519Credential,
  ZDeclarativeMtlsCredential,
]);
export type DeclarativeCredential = z.infer<typeof ZDeclarativeCredential>;

/** What identifies a credential at the gateways: its kind and identifier (username, keyid, fingerprint or subject). */
export function declarativeCredentialIdentity(credential: DeclarativeCredential): {
  kind: DeclarativeCredential['kind'];
  identifier: string;
} {
  switch (credential.kind) {
    case 'basic':
      return { kind: 'basic', identifier: credential.username };
    case 'hmac':
      return { kind: 'hmac', identifier: credential.keyid };
    case 'ed25519':
      return { kind: 'ed25519', identifier: credential.keyid };
    case 'mtls':
      return {
        kind: 'mtls',
        identifier:
          credential.fingerprint !== undefined
            ? credential.fingerprint.replaceAll(':', '').toLowerCase()
            : canonicalSubject(credential.subject ?? ''),
      };
    default:
      return credential satisfies never;
  }
}
