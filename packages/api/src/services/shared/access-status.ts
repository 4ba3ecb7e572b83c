import { pickColumns } from './pick-columns';

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

/** The columns a consumer's keys and credentials all show: whose, its name, its lifetime. */
export const ACCESS_VIEW_COLUMNS = [
  'id',
  'consumerId',
  'name',
  'expiresAt',
  'lastUsedAt',
  'revokedAt',
  'createdAt',
] as const;

/** A key or credential as callers see it: the named columns and its status now. */
export type AccessView<Row, Column extends keyof Row> = Pick<Row, Column> & {
  status: AccessStatus;
};

export function toAccessView<
  Row extends { revokedAt: Date | null; expiresAt: Date | null },
  Column extends keyof Row,
>(row: Row, columns: readonly Column[], now: Date): AccessView<Row, Column> {
  return { ...pickColumns(row, columns), status: accessStatus(row, now) };
}
