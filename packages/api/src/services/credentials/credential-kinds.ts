import { randomBytes } from 'node:crypto';
import { hashPassword } from '@portico/keys';
import type { CredentialSpec } from './credential-specs';
import { prepareEd25519, prepareHmac, prepareMtls } from './signing-credential-kinds';

/** The columns one kind of credential fills in, and what is shown once to whoever created it. */
export interface PreparedCredential {
  identifier: string;
  secretHash: string | null;
  secretSealed: string | null;
  publicKey: string | null;
  matchBy: string | null;
  /** Generated secret material returned by this call only (a password, an hmac secret), or null. */
  secret: string | null;
}

export interface PrepareContext {
  /** Seals secrets the gateway must read back (hmac), like Secrets (crypto/seal.ts). */
  seal: (plaintext: string) => string;
}

type Preparers = {
  [K in CredentialSpec['kind']]: (
    spec: Extract<CredentialSpec, { kind: K }>,
    ctx: PrepareContext,
  ) => Promise<PreparedCredential>;
};

const NONE = { secretSealed: null, publicKey: null, matchBy: null } as const;

/** Turns a validated spec into columns, per kind; a new kind is one entry. */
export const CREDENTIAL_PREPARERS: Preparers = {
  basic: async (spec) => {
    // 24 characters of base64url: 144 bits, never worth guessing.
    const generated = spec.password === undefined ? randomBytes(18).toString('base64url') : null;
    const password = spec.password ?? generated ?? '';
    return {
      identifier: spec.username,
      secretHash: await hashPassword(password),
      ...NONE,
      secret: generated,
    };
  },
  hmac: prepareHmac,
  ed25519: prepareEd25519,
  mtls: prepareMtls,
};

export function prepareCredential(
  spec: CredentialSpec,
  ctx: PrepareContext,
): Promise<PreparedCredential> {
  const prepare = CREDENTIAL_PREPARERS[spec.kind] as (
    spec: CredentialSpec,
    ctx: PrepareContext,
  ) => Promise<PreparedCredential>;
  return prepare(spec, ctx);
}

/** What the identifier of each kind is called in messages a person reads. */
export const IDENTIFIER_LABELS = {
  basic: 'username',
  hmac: 'keyid',
  ed25519: 'keyid',
  mtls: 'certificate',
} as const;
