import { z } from 'zod';

/**
 * Consumer credentials other than API keys in the declarative file, by kind. A consumer that
 * lists `credentials:` gets exactly those (others of its are revoked); one that omits the key
 * keeps whatever it has, so credentials made in the console or the portal survive an apply.
 */

/** The shape of a stored password hash (`$scrypt$ln=…,r=…,p=…$salt$hash`); bounds are checked on apply. */
export const PASSWORD_HASH_SHAPE =
  /^\$scrypt\$ln=\d{1,2},r=\d{1,2},p=\d{1,2}\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

export const ZDeclarativeBasicCredential = z
  .object({
    kind: z.literal('basic'),
    name: z.string().trim().min(1).max(100).default('default'),
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
    passwordEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
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

export const ZDeclarativeCredential = z.discriminatedUnion('kind', [ZDeclarativeBasicCredential]);
export type DeclarativeCredential = z.infer<typeof ZDeclarativeCredential>;

/** What identifies a credential at the gateways: its kind and identifier (a basic username). */
export function declarativeCredentialIdentity(credential: DeclarativeCredential): {
  kind: DeclarativeCredential['kind'];
  identifier: string;
} {
  return { kind: credential.kind, identifier: credential.username };
}
