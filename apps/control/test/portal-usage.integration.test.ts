import { randomBytes } from 'node:crypto';
import { formatQuotaCounter, quotaCounterKey } from '@portico/config';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, mutate, query } from './http-client';
import { createApp } from './portal-accounts';
import { type PortalHarness, startPortalHarness } from './portal-harness';

let h: PortalHarness;
let redis: Redis;
const limiterKeyPrefix = `test-rl-${randomBytes(6).toString('hex')}`;
let mine: { appId: string; keyId: string; cookie: string };
let theirs: { appId: string; keyId: string };
let apiId: string;
let planId: string;
const MINUTE_MS = 60_000;

// Upper bounds (ms) of the rollups' 26 latency buckets, as documented in schema.prisma.
const BUCKET_BOUNDS_MS = [
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000,
  10000, 30000, 60000,
];

function histogramOf(latencies: number[]): number[] {
  const histogram = new Array<number>(BUCKET_BOUNDS_MS.length + 1).fill(0);
  for (const ms of latencies) {
    const found = BUCKET_BOUNDS_MS.findIndex((bound) => ms <= bound);
    const index = found === -1 ? BUCKET_BOUNDS_MS.length : found;
    histogram[index] = (histogram[index] ?? 0) + 1;
  }
  return histogram;
}

/** Rollup rows as the worker writes them from the gateways' analytics batches. */
async function writeMinute(
  consumerId: string,
  keyId: string,
  minute: Date,
  figures: { statusClass: number; count: number; errors: number; latencies: number[] },
) {
  await h.database.db.usageMinute.create({
    data: {
      minute,
      apiId,
      routeId: '',
      consumerId,
      keyId,
      statusClass: figures.statusClass,
      count: figures.count,
      errorCount: figures.errors,
      bytesIn: 0n,
      bytesOut: 0n,
      latencyBuckets: histogramOf(figures.latencies),
    },
  });
}

async function developerWithApp(prefix: string) {
  const dev = await h.verifiedDeveloper(prefix);
  const app = await createApp(h, dev, `${prefix}-${Date.now()}`);
  const key = dataOf<{ key: { id: string } }>(
    await mutate(h.base, 'portal.keys.create', { appId: app.id }, { cookie: dev.cookie }),
  );
  await mutate(
    h.base,
    'portal.subscriptions.subscribe',
    { appId: app.id, planId },
    {
      cookie: dev.cookie,
    },
  );
  return { appId: app.id, keyId: key.key.id, cookie: dev.cookie };
}

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  h = await startPortalHarness({ redis, limiterKeyPrefix });
  const owner = { cookie: h.ownerCookie };
  const service = dataOf<{ id: string }>(
    await mutate(
      h.base,
      'services.create',
      { name: 'usage-svc', targets: [{ host: '127.0.0.1', port: 9 }] },
      owner,
    ),
  );
  apiId = dataOf<{ id: string }>(
    await mutate(
      h.base,
      'apis.create',
      { name: 'usage-api', basePath: '/usage', serviceId: service.id },
      owner,
    ),
  ).id;
  planId = dataOf<{ id: string }>(
    await mutate(
      h.base,
      'plans.create',
      { name: 'metered', quota: { requests: 100, per: 'day' }, apiIds: [apiId] },
      owner,
    ),
  ).id;
  mine = await developerWithApp('usage-mine');
  const other = await developerWithApp('usage-theirs');
  theirs = { appId: other.appId, keyId: other.keyId };
  const minute = new Date(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 5 * MINUTE_MS);
  await writeMinute(mine.appId, mine.keyId, minute, {
    statusClass: 2,
    count: 8,
    errors: 0,
    latencies: [5, 5, 5, 5, 5, 5, 5, 400],
  });
  await writeMinute(mine.appId, mine.keyId, minute, {
    statusClass: 4,
    count: 2,
    errors: 2,
    latencies: [1, 1],
  });
  await h.database.db.usageErrorMinute.create({
    data: {
      minute,
      apiId,
      routeId: '',
      consumerId: mine.appId,
      keyId: mine.keyId,
      errorCode: 'GW_RATE_LIMITED',
      count: 2,
    },
  });
  await writeMinute(theirs.appId, theirs.keyId, minute, {
    statusClass: 2,
    count: 1000,
    errors: 0,
    latencies: [9000],
  });
});
afterAll(async () => {
  await h?.close();
  const keys = await redis.keys(`*${limiterKeyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const window = () => ({
  from: new Date(Date.now() - 60 * MINUTE_MS).toISOString(),
  to: new Date(Date.now() + MINUTE_MS).toISOString(),
});

describe("a developer's usage", () => {
  it('calls over time count only their own traffic', async () => {
    const points = dataOf<{ requests: number; errors: number }[]>(
      await query(
        h.base,
        'portal.usage.series',
        { ...window(), granularity: 'hour' },
        { cookie: mine.cookie },
      ),
    );
    expect(points.reduce((sum, p) => sum + p.requests, 0)).toBe(10);
    expect(points.reduce((sum, p) => sum + p.errors, 0)).toBe(2);
    const byKey = dataOf<{ requests: number }[]>(
      await query(
        h.base,
        'portal.usage.series',
        { ...window(), granularity: 'hour', keyId: mine.keyId },
        { cookie: mine.cookie },
      ),
    );
    expect(byKey.reduce((sum, p) => sum + p.requests, 0)).toBe(10);
  });

  it('errors by code include the 429s; latency percentiles come from their calls only', async () => {
    const errors = dataOf<{
      byErrorCode: { errorCode: string; count: number }[];
      throttled: number;
    }>(
      await query(
        h.base,
        'portal.usage.errors',
        { ...window(), appId: mine.appId },
        { cookie: mine.cookie },
      ),
    );
    expect(errors.byErrorCode).toEqual([{ errorCode: 'GW_RATE_LIMITED', count: 2 }]);
    expect(errors.throttled).toBe(2);
    const latency = dataOf<{ requests: number; p50Ms: number; p95Ms: number }>(
      await query(h.base, 'portal.usage.latency', window(), { cookie: mine.cookie }),
    );
    expect(latency.requests).toBe(10);
    expect(latency.p50Ms).toBeLessThanOrEqual(5);
    expect(latency.p95Ms).toBeGreaterThan(100);
    expect(latency.p95Ms).toBeLessThan(9000);
  });

  it("this period's quota use is read live from the limiter's counter", async () => {
    const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    await redis.set(
      quotaCounterKey(limiterKeyPrefix, planId, mine.appId, 'day'),
      formatQuotaCounter({ startMs: dayStart, endMs: dayStart + 86_400_000, count: 42 }),
    );
    const quota = dataOf<{ consumerId: string; used: number; limit: number; source: string }[]>(
      await query(h.base, 'portal.usage.quota', { appId: mine.appId }, { cookie: mine.cookie }),
    );
    expect(quota).toMatchObject([{ consumerId: mine.appId, used: 42, limit: 100, source: 'live' }]);
    const all = dataOf<{ consumerId: string }[]>(
      await query(h.base, 'portal.usage.quota', {}, { cookie: mine.cookie }),
    );
    expect(all.map((q) => q.consumerId)).toEqual([mine.appId]);
  });

  it("another developer's app or key is NOT_FOUND", async () => {
    const app = await query(
      h.base,
      'portal.usage.series',
      { ...window(), granularity: 'hour', appId: theirs.appId },
      { cookie: mine.cookie },
    );
    expect(app.status).toBe(404);
    const key = await query(
      h.base,
      'portal.usage.latency',
      { ...window(), keyId: theirs.keyId },
      { cookie: mine.cookie },
    );
    expect(key.status).toBe(404);
    const quota = await query(
      h.base,
      'portal.usage.quota',
      { appId: theirs.appId },
      { cookie: mine.cookie },
    );
    expect(quota.status).toBe(404);
  });
});
