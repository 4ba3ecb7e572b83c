import { LATENCY_BUCKET_BOUNDS_MS, latencyPercentiles } from '@portico/analytics';
import type { Db } from '@portico/db';
import type { UsageFilters, UsageWindow } from './rollup-source';
import { summedUsage } from './summed-histogram';

/** p50/p95/p99 of total latency, read from the summed fixed-bucket histograms. */
export async function usageLatency(
  db: Db,
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
) {
  const { requests, histogram } = await summedUsage(db, window, filters, consumerScope);
  return {
    requests,
    ...latencyPercentiles(histogram),
    /** Upper bound of each bucket in ms; null for the overflow bucket. */
    buckets: histogram.map((count, i) => ({ leMs: LATENCY_BUCKET_BOUNDS_MS[i] ?? null, count })),
  };
}
