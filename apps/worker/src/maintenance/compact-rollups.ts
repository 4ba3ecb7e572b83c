import { type Db, rawSql } from '@portico/db';
import { ADD_TO_ROLLUP_CELL } from '../analytics/rollup-sql';

const HOUR_MS = 3_600_000;
const HOURS_PER_STEP = 6;
const MAX_STEPS = 2_000;

/**
 * Folds minute rollups (and error-code minutes) of whole hours older than `compactAfterHours`
 * into hourly rollups.
 *
 * Each step moves rows with DELETE … RETURNING and upserts their sums in the same statement, so
 * a row is either still a minute row or already part of an hour row — never both, never
 * neither, even with several workers compacting at once. Minute rows that arrive late for an
 * already-compacted hour are added to it on the next run.
 */
export async function compactRollups(db: Db, now: Date, compactAfterHours: number) {
  const cutoff = new Date(
    Math.floor((now.getTime() - compactAfterHours * HOUR_MS) / HOUR_MS) * HOUR_MS,
  );
  const minuteRows = await compactInSteps(db, cutoff, {
    table: 'usage_minutes',
    move: (upTo) =>
      db.$queryRaw<{ moved: bigint }[]>`
      WITH moved AS (
        DELETE FROM usage_minutes WHERE minute < ${upTo}
        RETURNING minute, "apiId", "routeId", "consumerId", "keyId", "statusClass", count, "errorCount",
          "bytesIn", "bytesOut", "latencyBuckets"
      ),
      cells AS (
        SELECT date_trunc('hour', minute) AS hour, "apiId", "routeId", "consumerId", "keyId", "statusClass",
          sum(count)::int AS count, sum("errorCount")::int AS "errorCount",
          sum("bytesIn")::bigint AS "bytesIn", sum("bytesOut")::bigint AS "bytesOut"
        FROM moved GROUP BY 1, 2, 3, 4, 5, 6
      ),
      buckets AS (
        SELECT date_trunc('hour', minute) AS hour, "apiId", "routeId", "consumerId", "keyId", "statusClass",
          b.i, sum(b.v)::int AS v
        FROM moved, unnest("latencyBuckets") WITH ORDINALITY AS b(v, i)
        GROUP BY 1, 2, 3, 4, 5, 6, 7
      ),
      histograms AS (
        SELECT hour, "apiId", "routeId", "consumerId", "keyId", "statusClass", array_agg(v ORDER BY i) AS h
        FROM buckets GROUP BY 1, 2, 3, 4, 5, 6
      ),
      upserted AS (
        INSERT INTO usage_hours AS u (hour, "apiId", "routeId", "consumerId", "keyId", "statusClass", count,
          "errorCount", "bytesIn", "bytesOut", "latencyBuckets")
        SELECT c.hour, c."apiId", c."routeId", c."consumerId", c."keyId", c."statusClass", c.count,
          c."errorCount", c."bytesIn", c."bytesOut", h.h
        FROM cells c JOIN histograms h USING (hour, "apiId", "routeId", "consumerId", "keyId", "statusClass")
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (hour, "apiId", "routeId", "consumerId", "keyId", "statusClass") DO UPDATE SET
          ${ADD_TO_ROLLUP_CELL}
        RETURNING 1
      )
      SELECT count(*)::bigint AS moved FROM moved`,
  });
  const errorMinuteRows = await compactErrorRollups(db, cutoff);
  return { minuteRows, errorMinuteRows, cutoff };
}

/** The same fold for the per-minute gateway error-code counts. */
async function compactErrorRollups(db: Db, cutoff: Date): Promise<number> {
  return compactInSteps(db, cutoff, {
    table: 'usage_error_minutes',
    move: (upTo) =>
      db.$queryRaw<{ moved: bigint }[]>`
      WITH moved AS (
        DELETE FROM usage_error_minutes WHERE minute < ${upTo}
        RETURNING minute, "apiId", "routeId", "consumerId", "keyId", "errorCode", count
      ),
      upserted AS (
        INSERT INTO usage_error_hours AS u (hour, "apiId", "routeId", "consumerId", "keyId", "errorCode", count)
        SELECT date_trunc('hour', minute), "apiId", "routeId", "consumerId", "keyId", "errorCode", sum(count)::int
        FROM moved GROUP BY 1, 2, 3, 4, 5, 6
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (hour, "apiId", "routeId", "consumerId", "keyId", "errorCode") DO UPDATE SET
          count = u.count + EXCLUDED.count
        RETURNING 1
      )
      SELECT count(*)::bigint AS moved FROM moved`,
  });
}

/** One table's compaction: the minute table, and the statement that moves its rows. */
interface CompactionSteps {
  table: 'usage_minutes' | 'usage_error_minutes';
  /** Folds the minute rows before `upTo` into hour rows and counts the rows it moved. */
  move: (upTo: Date) => Promise<{ moved: bigint }[]>;
}

/**
 * Moves a table's minute rows below `cutoff` HOURS_PER_STEP hours at a time and at most MAX_STEPS
 * steps per run, so each statement stays bounded however far behind compaction has fallen.
 */
async function compactInSteps(db: Db, cutoff: Date, steps: CompactionSteps): Promise<number> {
  let rows = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    const oldest = await db.$queryRaw<{ minute: Date | null }[]>`
      SELECT min(minute) AS minute FROM ${rawSql(steps.table)} WHERE minute < ${cutoff}`;
    const from = oldest[0]?.minute;
    if (!from) break;
    const upTo = new Date(
      Math.min(
        cutoff.getTime(),
        Math.floor(from.getTime() / HOUR_MS) * HOUR_MS + HOURS_PER_STEP * HOUR_MS,
      ),
    );
    const moved = await steps.move(upTo);
    rows += Number(moved[0]?.moved ?? 0n);
  }
  return rows;
}
