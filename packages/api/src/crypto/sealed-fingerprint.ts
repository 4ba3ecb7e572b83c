import { createHash } from 'node:crypto';

/**
 * A short digest of a sealed (encrypted) value: it changes whenever the value is sealed again
 * (the nonce is random), and says nothing about the plaintext. Snapshots carry it so a secret
 * change makes the draft differ without the secret entering the snapshot.
 */
export function sealedFingerprint(sealed: string): string {
  return createHash('sha256').update(sealed).digest('hex').slice(0, 16);
}
