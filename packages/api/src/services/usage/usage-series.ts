import type { Db } from '@portico/db';
import { badRequest } from '../shared/domain-errors';
import { rollupSource, type UsageFilters, type UsageWindow } from './rollup-source';
import { queryRows, rawSql, sql } from './sql-fragment';

export type Granularity = 'minute' | 'hour' | 'day';
const STEP_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** A chart has no use for more points than this; the caller picks a coarser granularity. */
export const MAX_SERIES_POINTS = 5_000;

export interface SeriesPoint {
  time: string;
  requests: number;
  errors: number;
  bytesIn: number;
  bytesOut: number;
}

/** Requests, errors and bytes per time bucket (zero-filled) in [from, to). */
export async function usageSeries(
  db: Db,
  window: UsageWindow,
  granularity: Granularity,
  filters: UsageFilters,
  consumerScope: string[] | null,
): Promise<SeriesPoint[]> {
  const points = Math.ceil((window.to.getTime() - window.from.getTime()) / STEP_MS[granularity]);
  if (points > MAX_SERIES_POINTS) {
    throw badRequest(
      `granularity: ${granularity} over this window gives ${points} points (at most ${MAX_SERIES_POINTS}); choose a coarser granularity or a shorter window`,
    );
  }
  const unit = rawSql(`'${granularity}'`);
  const step = rawSql(`'1 ${granularity}'::interval`);
  const rows = await queryRows<{
    bucket: Date;
    requests: bigint;
    errors: bigint;
    bytes_in: bigint;
    bytes_out: bigint;
  }>(
    db,
    sql`
    WITH buckets AS (
      SELECT generate_series(date_trunc(${unit}, ${window.from}::timestamp), ${window.to}::timestamp - interval '1 microsecond', ${step}) AS bucket
    ),
    usage AS (
      SELECT date_trunc(${unit}, t) AS bucket, sum(count) AS requests, sum("errorCount") AS errors,
        sum("bytesIn") AS bytes_in, sum("bytesOut") AS bytes_out
      FROM ${rollupSource(window, filters, consumerScope)} AS r
      GROUP BY 1
    )
    SELECT b.bucket, COALESCE(u.requests, 0)::bigint AS requests, COALESCE(u.errors, 0)::bigint AS errors,
      COALESCE(u.bytes_in, 0)::bigint AS bytes_in, COALESCE(u.bytes_out, 0)::bigint AS bytes_out
    FROM buckets b LEFT JOIN usage u USING (bucket)
    ORDER BY b.bucket`,
  );
  return rows.map((r) => ({
    time: r.bucket.toISOString(),
    requests: Number(r.requests),
    errors: Number(r.errors),
    bytesIn: Number(r.bytes_in),
    bytesOut: Number(r.bytes_out),
  }));
}
