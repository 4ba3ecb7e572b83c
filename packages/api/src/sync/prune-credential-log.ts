import type { Db } from '@portico/db';

/**
 * Deletes credential log entries older than `olderThan`, always keeping the newest one so the log
 * still says where it stands. Gateways that were further behind than what is left get a full
 * credential set on their next poll instead of a delta (see computeSyncAnswer).
 */
export async function pruneCredentialLog(
  db: Pick<Db, '$executeRaw'>,
  olderThan: Date,
): Promise<number> {
  return db.$executeRaw`
    DELETE FROM credential_changes
    WHERE "createdAt" < ${olderThan}
      AND seq < (SELECT max(seq) FROM credential_changes)`;
}
