import type { Db } from '@portico/db';

const CHUNK = 10_000;
const MAX_CHUNKS = 1_000;

/**
 * Deletes request-log rows and processed-batch records older than the retention, in chunks so
 * a large backlog never holds one long transaction. Returns the rows removed.
 */
export async function pruneRequestLog(db: Db, now: Date, retentionDays: number) {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let requests = 0;
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const removed = await db.$executeRaw`
      DELETE FROM request_log WHERE "requestId" IN (
        SELECT "requestId" FROM request_log WHERE time < ${cutoff} LIMIT ${CHUNK})`;
    requests += removed;
    if (removed < CHUNK) break;
  }
  // Processed-batch records only guard against redelivery, which BullMQ finishes within hours;
  // keeping them as long as the raw log is generous.
  const batches =
    await db.$executeRaw`DELETE FROM analytics_batches WHERE "processedAt" < ${cutoff}`;
  return { requests, batches, cutoff };
}
