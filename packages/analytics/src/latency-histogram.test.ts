import { describe, expect, it } from 'vitest';
import {
  addHistogram,
  emptyHistogram,
  histogramQuantile,
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  latencyBucketIndex,
  latencyPercentiles,
} from './latency-histogram';

function histogramOf(latenciesMs: number[]): number[] {
  const h = emptyHistogram();
  for (const ms of latenciesMs) {
    const i = latencyBucketIndex(ms);
    h[i] = (h[i] ?? 0) + 1;
  }
  return h;
}

describe('latency buckets', () => {
  it("puts a value on a bound into that bound's bucket and the next value into the next", () => {
    expect(latencyBucketIndex(0)).toBe(0);
    expect(latencyBucketIndex(1)).toBe(0);
    expect(latencyBucketIndex(1.01)).toBe(1);
    expect(latencyBucketIndex(100)).toBe(LATENCY_BUCKET_BOUNDS_MS.indexOf(100));
    expect(latencyBucketIndex(60_000)).toBe(LATENCY_BUCKET_COUNT - 2);
    expect(latencyBucketIndex(60_001)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it('adds histograms element-wise', () => {
    const a = histogramOf([1, 5, 5]);
    const b = histogramOf([5, 70_000]);
    const sum = addHistogram(emptyHistogram(), a);
    addHistogram(sum, b);
    expect(sum.reduce((x, y) => x + y, 0)).toBe(5);
    expect(sum[latencyBucketIndex(5)]).toBe(3);
    expect(sum[LATENCY_BUCKET_COUNT - 1]).toBe(1);
  });
});

describe('percentiles from histograms', () => {
  it('answers null for an empty histogram', () => {
    expect(latencyPercentiles(emptyHistogram())).toEqual({ p50Ms: null, p95Ms: null, p99Ms: null });
  });

  it('interpolates inside the bucket holding the rank', () => {
    // 100 requests all in (50, 75]: the median sits halfway through that bucket.
    const h = histogramOf(Array.from({ length: 100 }, () => 60));
    expect(histogramQuantile(h, 0.5)).toBe(62.5);
    expect(histogramQuantile(h, 1)).toBe(75);
  });

  it('stays within one bucket width of the exact percentile on a spread of latencies', () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 997));
    const sorted = [...latencies].sort((a, b) => a - b);
    const h = histogramOf(latencies);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1] ?? 0;
      const estimate = histogramQuantile(h, q) ?? -1;
      const bucket = latencyBucketIndex(exact);
      const lower = bucket === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_MS[bucket - 1] ?? 0);
      const upper = LATENCY_BUCKET_BOUNDS_MS[bucket] ?? Number.POSITIVE_INFINITY;
      expect(estimate).toBeGreaterThanOrEqual(lower);
      expect(estimate).toBeLessThanOrEqual(upper);
    }
  });

  it('reads p99 from the slow tail, not the fast majority', () => {
    const h = histogramOf([
      ...Array.from({ length: 980 }, () => 4),
      ...Array.from({ length: 20 }, () => 900),
    ]);
    const p = latencyPercentiles(h);
    expect(p.p50Ms).toBeLessThanOrEqual(5);
    expect(p.p95Ms).toBeLessThanOrEqual(5);
    expect(p.p99Ms).toBeGreaterThan(750);
    expect(p.p99Ms).toBeLessThanOrEqual(1000);
  });

  it("answers the overflow bucket's lower bound for requests slower than the last bound", () => {
    expect(histogramQuantile(histogramOf([120_000]), 0.5)).toBe(60_000);
  });

  it('refuses a quantile outside (0, 1]', () => {
    expect(() => histogramQuantile(emptyHistogram(), 0)).toThrow(RangeError);
    expect(() => histogramQuantile(emptyHistogram(), 1.5)).toThrow(RangeError);
  });
});
