import { randomBytes } from 'node:crypto';
import { histogramQuantile } from '@portico/analytics';
import { formatQuotaCounter, quotaCounterKey } from '@portico/config';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuotaCounterReader } from '../../trpc';

import {
  at,
  caller,
  common,
  histogramOf,
  ids,
  trpcError,
  useSeededUsage,
  viewer,
  window,
} from './usage-fixture';

useSeededUsage();

describe('usage.quotaUsage with the live counter', () => {
  let redis: Redis;
  const keyPrefix = `test:${randomBytes(6).toString('hex')}`;
  const todayStart = Date.UTC(2026, 10, 22);
  const counters = (): QuotaCounterReader => ({
    keyPrefix,
    read: async (keys) => redis.mget(...keys),
  });
  beforeAll(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    const keys = await redis.keys(`{${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("reports the gateway limiter's counter as live usage with the period's reset time", async () => {
    // Written the way the gateway's limiter writes it: the shared key function, its value format.
    await redis.set(
      quotaCounterKey(keyPrefix, ids.plan, ids.mine, 'day'),
      formatQuotaCounter({ startMs: todayStart, endMs: todayStart + 86_400_000, count: 37 }),
    );
    const [usage] = await caller(
      { kind: 'developer', userId: ids.developer, email: 'd@x.test', ...common },
      { quotaCounters: counters() },
    ).usage.quotaUsage({});
    expect(usage).toMatchObject({
      subscriptionId: ids.sub,
      used: 37,
      remaining: 63,
      percent: 37,
      resetsAt: '2026-11-23T00:00:00.000Z',
      source: 'live',
    });
  });

  it('falls back to the rollups when the counter belongs to another period', async () => {
    await redis.set(
      quotaCounterKey(keyPrefix, ids.plan, ids.mine, 'day'),
      formatQuotaCounter({ startMs: todayStart - 86_400_000, endMs: todayStart, count: 99 }),
    );
    const [usage] = await caller(
      { kind: 'developer', userId: ids.developer, email: 'd@x.test', ...common },
      { quotaCounters: counters() },
    ).usage.quotaUsage({});
    expect(usage).toMatchObject({ used: 12, source: 'rollups' });
  });

  it('falls back to the rollups when the reader fails', async () => {
    const failing: QuotaCounterReader = {
      keyPrefix,
      read: async () => {
        throw new Error('connection is closed');
      },
    };
    const [usage] = await caller(
      { kind: 'developer', userId: ids.developer, email: 'd@x.test', ...common },
      { quotaCounters: failing },
    ).usage.quotaUsage({});
    expect(usage).toMatchObject({ used: 12, source: 'rollups' });
  });
});

describe('usage.series', () => {
  it('answers zero-filled minute buckets with requests, errors and bytes', async () => {
    const points = await viewer().usage.series({ ...window, granularity: 'minute' });
    expect(points).toHaveLength(6);
    expect(points.map((p) => p.requests)).toEqual([0, 0, 0, 12, 4, 0]);
    expect(points[3]).toMatchObject({
      time: at(2).toISOString(),
      errors: 2,
      bytesIn: 120,
      bytesOut: 1200,
    });
  });

  it('filters by API, consumer and status class', async () => {
    const v = viewer();
    const byApi = await v.usage.series({ ...window, granularity: 'hour', apiId: ids.otherApi });
    expect(byApi.reduce((s, p) => s + p.requests, 0)).toBe(1);
    const byClass = await v.usage.series({ ...window, granularity: 'hour', statusClass: 5 });
    expect(byClass.reduce((s, p) => s + p.requests, 0)).toBe(2);
    const byConsumer = await v.usage.series({
      ...window,
      granularity: 'hour',
      consumerId: ids.theirs,
    });
    expect(byConsumer.reduce((s, p) => s + p.requests, 0)).toBe(4);
  });

  it('refuses a window that ends before it starts, naming the field', async () => {
    const err = await trpcError(
      viewer().usage.series({ from: window.to, to: window.from, granularity: 'hour' }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/must be after from/);
  });

  it('refuses too many points for the granularity, suggesting a coarser one', async () => {
    const err = await trpcError(
      viewer().usage.series({
        from: at(60 * 24 * 30).toISOString(),
        to: window.to,
        granularity: 'minute',
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^granularity: .*coarser/);
  });
});

describe('usage.latency, topConsumers and errors', () => {
  it('reads p50/p95/p99 from the summed histograms', async () => {
    const latency = await viewer().usage.latency({ ...window, consumerId: ids.mine });
    const expected = histogramOf([5, 5, 5, 5, 5, 5, 5, 5, 5, 900, 20, 20]);
    expect(latency.requests).toBe(12);
    expect(latency.p50Ms).toBe(histogramQuantile(expected, 0.5));
    expect(latency.p95Ms).toBe(histogramQuantile(expected, 0.95));
    expect(latency.p99Ms).toBe(histogramQuantile(expected, 0.99));
    expect(latency.p99Ms).toBeGreaterThan(750);
  });

  it('ranks consumers by requests with their names', async () => {
    const top = await viewer().usage.topConsumers(window);
    expect(top.map((t) => [t.consumerName, t.requests, t.errors])).toEqual([
      ['mine', 12, 2],
      ['theirs', 4, 0],
    ]);
  });

  it('honours the consumer filter in the top-consumers ranking', async () => {
    const top = await viewer().usage.topConsumers({ ...window, consumerId: ids.theirs });
    expect(top.map((t) => [t.consumerName, t.requests])).toEqual([['theirs', 4]]);
  });

  it('ranks APIs by requests with their names, honouring the limit', async () => {
    const top = await viewer().usage.topApis(window);
    expect(top.map((t) => [t.apiName, t.requests, t.errors])).toEqual([
      ['orders', 15, 2],
      ['billing', 1, 0],
    ]);
    const first = await viewer().usage.topApis({ ...window, limit: 1 });
    expect(first.map((t) => t.apiId)).toEqual([ids.api]);
  });

  it('refuses a top-APIs window that ends before it starts, naming the field', async () => {
    const err = await trpcError(viewer().usage.topApis({ from: window.to, to: window.from }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/must be after from/);
  });

  it('breaks errors down by gateway error code and status class', async () => {
    const errors = await viewer().usage.errors(window);
    expect(errors.byErrorCode).toEqual([{ errorCode: 'GW_UPSTREAM_TIMEOUT', count: 2 }]);
    expect(errors.byStatusClass).toEqual([
      { statusClass: 2, requests: 14, errors: 0 },
      { statusClass: 5, requests: 2, errors: 2 },
    ]);
  });
});
