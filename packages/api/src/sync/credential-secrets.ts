import type { CredentialSecret } from '@portico/config';
import type { ConsumerCredential } from '@portico/db';
import { openSealed } from '../crypto/seal';

/** The columns of a consumer credential the gateways' stream is built from. */
export type StreamedCredentialRow = Pick<
  ConsumerCredential,
  | 'id'
  | 'consumerId'
  | 'kind'
  | 'identifier'
  | 'secretHash'
  | 'secretSealed'
  | 'publicKey'
  | 'matchBy'
  | 'expiresAt'
>;

export const STREAMED_CREDENTIAL_COLUMNS = {
  id: true,
  consumerId: true,
  kind: true,
  identifier: true,
  secretHash: true,
  secretSealed: true,
  publicKey: true,
  matchBy: true,
  expiresAt: true,
} as const;

/**
 * A credential as the log stores it. An hmac secret stays sealed here, as in its row: the log is
 * a table too, and only the answer to a gateway (see `openCredentialForGateway`) holds it clear.
 */
export function credentialForLog(row: StreamedCredentialRow): CredentialSecret {
  return {
    id: row.id,
    consumerId: row.consumerId,
    kind: row.kind,
    identifier: row.identifier,
    verifier: verifierColumn(row),
    matchBy: row.matchBy === 'fingerprint' || row.matchBy === 'subject' ? row.matchBy : null,
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
  };
}

function verifierColumn(row: StreamedCredentialRow): string | null {
  switch (row.kind) {
    case 'basic':
      return row.secretHash;
    case 'hmac':
      return row.secretSealed;
    case 'ed25519':
      return row.publicKey;
    case 'mtls':
      return null;
    default:
      return row.kind satisfies never;
  }
}

/**
 * The credential as a gateway receives it: an hmac secret opened (the key stays the control
 * plane's). Null when a sealed secret cannot be opened (wrong key): the credential is left out
 * rather than sent unusable, and `onError` is told.
 */
export function openCredentialForGateway(
  credential: CredentialSecret,
  secretKey: Buffer | null,
  onError?: (credentialId: string, error: unknown) => void,
): CredentialSecret | null {
  if (credential.kind !== 'hmac' || credential.verifier === null) return credential;
  if (secretKey === null) return null;
  try {
    return { ...credential, verifier: openSealed(secretKey, credential.verifier) };
  } catch (error) {
    onError?.(credential.id, error);
    return null;
  }
}
