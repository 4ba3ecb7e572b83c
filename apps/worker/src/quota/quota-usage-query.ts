import type { Db } from '@portico/db';

/**
 * Requests a consumer made in [from, to) to the given APIs, from minute and hour rollups.
 * Quota periods start on whole hours, so hour rows never straddle a period boundary.
 */
export async function consumerRequestsBetween(
  db: Db,
  consumerId: string,
  apiIds: readonly string[],
  from: Date,
  to: Date,
): Promise<number> {
  if (apiIds.length === 0) return 0;
  const rows = await db.$queryRaw<{ n: bigint | null }[]>`
    SELECT (
      COALESCE((SELECT sum(count) FROM usage_minutes WHERE "consumerId" = ${consumerId}
        AND "apiId" = ANY(${apiIds as string[]}) AND minute >= ${from} AND minute < ${to}), 0)
      + COALESCE((SELECT sum(count) FROM usage_hours WHERE "consumerId" = ${consumerId}
        AND "apiId" = ANY(${apiIds as string[]}) AND hour >= ${from} AND hour < ${to}), 0)
    )::bigint AS n`;
  return Number(rows[0]?.n ?? 0n);
}
