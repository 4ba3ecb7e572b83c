import { LATENCY_BUCKET_COUNT } from '@portico/analytics';
import type { Db } from '@portico/db';
import { rollupSource, type UsageFilters, type UsageWindow } from './rollup-source';
import { queryRows, sql } from './sql-fragment';

/** Requests, errors and the element-wise sum of the latency histograms over a window. */
export async function summedUsage(
  db: Db,
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
): Promise<{ requests: number; errors: number; histogram: number[] }> {
  const source = rollupSource(window, filters, consumerScope);
  const [totals] = await queryRows<{ requests: bigint | null; errors: bigint | null }>(
    db,
    sql`
    SELECT sum(count)::bigint AS requests, sum("errorCount")::bigint AS errors FROM ${source} AS r`,
  );
  const buckets = await queryRows<{ i: bigint; n: bigint }>(
    db,
    sql`
    SELECT b.i, sum(b.v)::bigint AS n
    FROM ${source} AS r, unnest(r."latencyBuckets") WITH ORDINALITY AS b(v, i)
    GROUP BY b.i`,
  );
  const histogram = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  for (const b of buckets) {
    const index = Number(b.i) - 1;
    if (index >= 0 && index < LATENCY_BUCKET_COUNT) histogram[index] = Number(b.n);
  }
  return {
    requests: Number(totals?.requests ?? 0n),
    errors: Number(totals?.errors ?? 0n),
    histogram,
  };
}
