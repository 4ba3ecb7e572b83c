import type { DeclarativeCredential } from '@portico/config';
import type { CredentialKind } from '@portico/db';

/** The stored columns a credential's file form is made from. */
export interface CredentialViewSource {
  kind: CredentialKind;
  name: string;
  identifier: string;
  secretHash: string | null;
  publicKey: string | null;
  matchBy: string | null;
}

/**
 * A stored credential as the declarative file writes it (what `dump` prints and `apply` compares
 * against), or null for a kind the file cannot express yet. Basic credentials are written with
 * their password hash, never a password: dump never has one.
 */
export function credentialViewOf(row: CredentialViewSource): DeclarativeCredential | null {
  switch (row.kind) {
    case 'basic':
      return row.secretHash === null
        ? null
        : { kind: 'basic', name: row.name, username: row.identifier, passwordHash: row.secretHash };
    case 'ed25519':
      return row.publicKey === null
        ? null
        : { kind: 'ed25519', name: row.name, keyid: row.identifier, publicKey: row.publicKey };
    case 'mtls':
      return row.matchBy === 'subject'
        ? { kind: 'mtls', name: row.name, subject: row.identifier }
        : { kind: 'mtls', name: row.name, fingerprint: row.identifier };
    // The secret is write-only: a file without it keeps the stored one.
    case 'hmac':
      return { kind: 'hmac', name: row.name, keyid: row.identifier };
    default:
      return row.kind satisfies never;
  }
}
