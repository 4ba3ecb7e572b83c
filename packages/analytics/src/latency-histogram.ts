/**
 * Fixed-bucket latency histogram stored with every rollup row (an Int[] column).
 *
 * Bucket i counts requests with totalMs in (LATENCY_BUCKET_BOUNDS_MS[i-1], LATENCY_BUCKET_BOUNDS_MS[i]]
 * (the first from 0); the last bucket, one past the bounds, counts everything slower than 60 s.
 * The bounds never change once rows exist: histograms add element-wise across rows and time,
 * which is what lets minute rows compact into hour rows and percentiles come from any window.
 */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000,
  5_000, 10_000, 30_000, 60_000,
];

/** Length of every histogram array: one per bound plus the overflow bucket. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

/** Index of the bucket that `totalMs` falls into. */
export function latencyBucketIndex(totalMs: number): number {
  // Binary search for the first bound >= totalMs.
  let lo = 0;
  let hi = LATENCY_BUCKET_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const bound = LATENCY_BUCKET_BOUNDS_MS[mid] ?? Number.POSITIVE_INFINITY;
    if (totalMs <= bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A zeroed histogram. */
export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

/** Adds `other` into `into` element-wise (shorter arrays count as zero-padded). */
export function addHistogram(into: number[], other: readonly number[]): number[] {
  for (let i = 0; i < LATENCY_BUCKET_COUNT; i++) into[i] = (into[i] ?? 0) + (other[i] ?? 0);
  return into;
}

/**
 * The q-quantile (0 < q <= 1) in milliseconds, or null for an empty histogram.
 *
 * Uses the nearest-rank definition to find the bucket, then interpolates linearly inside it,
 * assuming requests spread evenly between the bucket's bounds. The error is therefore at most
 * the bucket's width. The overflow bucket has no upper bound, so it answers its lower bound.
 */
export function histogramQuantile(histogram: readonly number[], q: number): number | null {
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`);
  let total = 0;
  for (const count of histogram) total += count;
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let cumulative = 0;
  for (let i = 0; i < histogram.length; i++) {
    const count = histogram[i] ?? 0;
    if (count === 0) continue;
    if (cumulative + count >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_MS[i - 1] ?? 0);
      const upper = LATENCY_BUCKET_BOUNDS_MS[i];
      if (upper === undefined) return lower;
      const within = (rank - cumulative) / count;
      return roundMs(lower + (upper - lower) * within);
    }
    cumulative += count;
  }
  return null;
}

/** p50, p95 and p99 in milliseconds (null each when there were no requests). */
export function latencyPercentiles(histogram: readonly number[]): {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
} {
  return {
    p50Ms: histogramQuantile(histogram, 0.5),
    p95Ms: histogramQuantile(histogram, 0.95),
    p99Ms: histogramQuantile(histogram, 0.99),
  };
}

function roundMs(value: number): number {
  return Math.round(value * 100) / 100;
}
