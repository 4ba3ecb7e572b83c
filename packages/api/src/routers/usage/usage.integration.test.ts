import { randomBytes } from 'node:crypto';
import { emptyHistogram, histogramQuantile, latencyBucketIndex } from '@portico/analytics';
import { formatQuotaCounter, quotaCounterKey } from '@portico/config';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { newId } from '@portico/id';
import { TRPCError } from '@trpc/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  type ApiContext,
  createCallerFactory,
  type QuotaCounterReader,
  router,
} from '../../trpc';
import { usageRouter } from './index';

const createCaller = createCallerFactory(router({ usage: usageRouter }));
const NOW = new Date(Date.UTC(2026, 10, 22, 12, 30, 20));
const MIN = 60_000;
const at = (minutesAgo: number) => new Date(Date.UTC(2026, 10, 22, 12, 30) - minutesAgo * MIN);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
const ids = {
  developer: newId('user'),
  mine: newId('consumer'),
  theirs: newId('consumer'),
  api: newId('api'),
  otherApi: newId('api'),
  plan: newId('plan'),
  sub: newId('subscription'),
};

function caller(actor: Actor, services: Partial<ApiContext> = {}) {
  const ctx: ApiContext = {
    ...services,
    db,
    sessionSigningKey: randomBytes(32),
    secretKey: randomBytes(32),
    now: () => NOW,
    actor,
    requestId: 'req_test',
    clientIp: '127.0.0.1',
    userAgent: 'vitest',
    cookies: { setSession() {}, clearSession() {} },
  };
  return createCaller(ctx);
}
const common = { via: 'token' as const, sessionId: null, tokenId: null };
const viewer = () =>
  caller({ kind: 'operator', userId: 'usr_v', email: 'v@x.test', role: 'viewer', ...common });
const developer = () =>
  caller({ kind: 'developer', userId: ids.developer, email: 'd@x.test', ...common });

function histogramOf(latencies: number[]): number[] {
  const h = emptyHistogram();
  for (const ms of latencies) {
    const i = latencyBucketIndex(ms);
    h[i] = (h[i] ?? 0) + 1;
  }
  return h;
}

async function minuteRow(row: {
  minute: Date;
  apiId?: string;
  consumerId: string;
  statusClass?: number;
  latencies: number[];
  errors?: number;
}) {
  await db.usageMinute.create({
    data: {
      minute: row.minute,
      apiId: row.apiId ?? ids.api,
      routeId: '',
      consumerId: row.consumerId,
      keyId: '',
      statusClass: row.statusClass ?? 2,
      count: row.latencies.length,
      errorCount: row.errors ?? 0,
      bytesIn: BigInt(10 * row.latencies.length),
      bytesOut: BigInt(100 * row.latencies.length),
      latencyBuckets: histogramOf(row.latencies),
    },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await db.user.create({
    data: {
      id: ids.developer,
      email: 'd@x.test',
      name: 'Dev',
      passwordHash: 'x',
      kind: 'developer',
    },
  });
  const service = await db.service.create({ data: { id: newId('service'), name: 'svc' } });
  for (const [id, name] of [
    [ids.api, 'orders'],
    [ids.otherApi, 'billing'],
  ] as const) {
    await db.api.create({
      data: { id, name, slug: name, basePath: `/${name}`, serviceId: service.id, auth: {} },
    });
  }
  await db.consumer.create({ data: { id: ids.mine, name: 'mine', ownerId: ids.developer } });
  await db.consumer.create({ data: { id: ids.theirs, name: 'theirs' } });
  await db.plan.create({
    data: {
      id: ids.plan,
      name: 'gold',
      quota: { requests: 100, per: 'day' },
      apis: { create: { apiId: ids.api } },
    },
  });
  await db.subscription.create({
    data: { id: ids.sub, consumerId: ids.mine, planId: ids.plan, status: 'active' },
  });

  await minuteRow({
    minute: at(2),
    consumerId: ids.mine,
    latencies: [5, 5, 5, 5, 5, 5, 5, 5, 5, 900],
  });
  await minuteRow({
    minute: at(2),
    consumerId: ids.mine,
    statusClass: 5,
    latencies: [20, 20],
    errors: 2,
  });
  await minuteRow({ minute: at(1), consumerId: ids.theirs, latencies: [40, 40, 40] });
  await minuteRow({ minute: at(1), consumerId: ids.theirs, apiId: ids.otherApi, latencies: [1] });
  // Yesterday: outside the current quota day and the summary window.
  await minuteRow({ minute: at(24 * 60), consumerId: ids.mine, latencies: [1, 1, 1] });
  await db.usageErrorMinute.create({
    data: {
      minute: at(2),
      apiId: ids.api,
      routeId: '',
      consumerId: ids.mine,
      keyId: '',
      errorCode: 'GW_UPSTREAM_TIMEOUT',
      count: 2,
    },
  });
  for (let i = 0; i < 5; i++) {
    await db.requestLog.create({
      data: {
        requestId: `req_${i}`,
        time: new Date(at(3).getTime() + i * 1000),
        nodeId: 'dpn_a',
        apiId: ids.api,
        consumerId: i < 3 ? ids.mine : ids.theirs,
        method: 'GET',
        status: i === 4 ? 504 : 200,
        totalMs: 3,
        bytesIn: 1,
        bytesOut: 2,
        errorCode: i === 4 ? 'GW_UPSTREAM_TIMEOUT' : null,
        batchId: 'bat_x',
      },
    });
  }
});
afterAll(async () => {
  await database?.drop();
});

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

const window = { from: at(5).toISOString(), to: NOW.toISOString() };

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(err)}`);
  return err;
}

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

describe('usage.requests (request explorer)', () => {
  it('pages newest first with a cursor, without repeats', async () => {
    const v = viewer();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await v.usage.requests({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...result.items.map((r) => r.requestId));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(['req_4', 'req_3', 'req_2', 'req_1', 'req_0']);
  });

  it('filters by status class and error code', async () => {
    const v = viewer();
    expect((await v.usage.requests({ statusClass: 5 })).items.map((r) => r.requestId)).toEqual([
      'req_4',
    ]);
    expect((await v.usage.requests({ errorCode: 'GW_UPSTREAM_TIMEOUT' })).items).toHaveLength(1);
  });

  it('refuses a cursor it did not issue', async () => {
    const err = await trpcError(viewer().usage.requests({ cursor: 'bm90LWEtY3Vyc29y' }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^cursor:/);
  });
});

describe('developers see only their own consumers', () => {
  it('scopes series, top consumers and requests to their consumers', async () => {
    const d = developer();
    const points = await d.usage.series({ ...window, granularity: 'hour' });
    expect(points.reduce((s, p) => s + p.requests, 0)).toBe(12);
    expect((await d.usage.topConsumers(window)).map((t) => t.consumerName)).toEqual(['mine']);
    expect((await d.usage.topApis(window)).map((t) => [t.apiName, t.requests])).toEqual([
      ['orders', 12],
    ]);
    expect((await d.usage.requests({})).items.map((r) => r.requestId)).toEqual([
      'req_2',
      'req_1',
      'req_0',
    ]);
  });

  it("answers NOT_FOUND for another owner's consumer", async () => {
    const err = await trpcError(developer().usage.latency({ ...window, consumerId: ids.theirs }));
    expect(err.code).toBe('NOT_FOUND');
    const byName = await trpcError(
      developer().usage.summary({ consumerName: 'theirs', sinceSeconds: 3600 }),
    );
    expect(byName.code).toBe('NOT_FOUND');
  });
});

describe('usage.quotaUsage and usage.summary', () => {
  it("reports this period's usage per subscription from the rollups", async () => {
    const [usage, ...rest] = await developer().usage.quotaUsage({});
    expect(rest).toHaveLength(0);
    expect(usage).toMatchObject({
      subscriptionId: ids.sub,
      planName: 'gold',
      per: 'day',
      limit: 100,
      used: 12,
      remaining: 88,
      percent: 12,
      periodStart: '2026-11-22T00:00:00.000Z',
      source: 'rollups',
    });
  });

  it('summarises requests, errors and percentiles by API and consumer name', async () => {
    const v = viewer();
    const all = await v.usage.summary({ sinceSeconds: 3600 });
    expect(all).toMatchObject({ requests: 16, errors: 2 });
    expect(all.p50Ms).not.toBeNull();
    const billing = await v.usage.summary({ apiName: 'billing', sinceSeconds: 3600 });
    expect(billing.requests).toBe(1);
    const mine = await v.usage.summary({
      consumerName: 'mine',
      apiName: 'orders',
      sinceSeconds: 3600,
    });
    expect(mine).toMatchObject({ requests: 12, errors: 2 });
  });

  it('answers NOT_FOUND naming the field for an unknown API name', async () => {
    const err = await trpcError(viewer().usage.summary({ apiName: 'nope', sinceSeconds: 60 }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe('apiName: no API named nope');
  });
});
