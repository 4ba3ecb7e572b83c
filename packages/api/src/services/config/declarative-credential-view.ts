import type { DeclarativeCredential } from '@portico/config';
import type { CredentialKind } from '@portico/db';

/** The stored columns a credential's file form is made from. */
export interface CredentialViewSource {
  kind: CredentialKind;
  name: string;
  identifier: string;
  secretHash: string | null;
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
    case 'hmac':
    case 'ed25519':
    case 'mtls':
      return null;
    default:
      return row.kind satisfies never;
  }
}
