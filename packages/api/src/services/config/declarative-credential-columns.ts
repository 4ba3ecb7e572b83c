import type { DeclarativeCredential } from '@portico/config';
import { hashPassword, isPasswordHash, verifyPassword } from '@portico/keys';
import { badRequest } from '../shared/domain-errors';
import type { StoredCredential } from './declarative-state';

/** The stored columns a credential's material goes into (the rest are kind, name, identifier). */
export interface CredentialMaterial {
  secretHash: string | null;
  secretSealed: string | null;
  publicKey: string | null;
  matchBy: string | null;
}

/**
 * What to store for a listed credential, per kind, reusing `current`'s material when the file
 * says the same thing (a password that still verifies), so reapplying a file rewrites nothing.
 * `where` is the credential's path in the file, for messages.
 */
export async function declarativeMaterial(
  credential: DeclarativeCredential,
  current: StoredCredential | null,
  where: string,
): Promise<CredentialMaterial> {
  switch (credential.kind) {
    case 'basic':
      return {
        secretHash: await basicHash(credential, current?.secretHash ?? null, where),
        secretSealed: null,
        publicKey: null,
        matchBy: null,
      };
    default:
      return credential.kind satisfies never;
  }
}

async function basicHash(
  credential: Extract<DeclarativeCredential, { kind: 'basic' }>,
  current: string | null,
  where: string,
): Promise<string> {
  if (credential.passwordHash !== undefined) {
    if (!isPasswordHash(credential.passwordHash))
      throw badRequest(
        `${where}.passwordHash: the scrypt parameters are out of bounds (ln 10–20, r ≤ 16, p ≤ 4, 32-byte hash)`,
      );
    return credential.passwordHash;
  }
  if (credential.password === undefined)
    throw badRequest(
      `${where}.passwordEnv: the CLI reads passwordEnv and sends the password; apply the file with \`portico apply\``,
    );
  if (current !== null && (await verifyPassword(current, credential.password))) return current;
  return hashPassword(credential.password);
}

/** Whether stored material already equals what the file asks for. */
export function sameMaterial(row: CredentialMaterial, wanted: CredentialMaterial): boolean {
  return (
    row.secretHash === wanted.secretHash &&
    row.secretSealed === wanted.secretSealed &&
    row.publicKey === wanted.publicKey &&
    row.matchBy === wanted.matchBy
  );
}
