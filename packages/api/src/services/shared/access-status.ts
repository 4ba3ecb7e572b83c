/** Whether a key, token or credential works now. */
export type AccessStatus = 'active' | 'expired' | 'revoked';

/** A revocation wins over an expiry; an expiry at `now` has already happened. */
export function accessStatus(
  row: { revokedAt: Date | null; expiresAt: Date | null },
  now: Date,
): AccessStatus {
  if (row.revokedAt) return 'revoked';
  return row.expiresAt && row.expiresAt <= now ? 'expired' : 'active';
}
