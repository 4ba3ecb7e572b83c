/**
 * The usage router's tests share one seeded database: a developer with their consumer and
 * another owner's, two APIs, a plan with a daily quota and a subscription to it, minute rollups
 * (with latency histograms) two minutes and a day ago, error-code rows and five request-log
 * rows, all at a fixed NOW. Callers run the router alone, as a viewer or as the developer.
 */
import { randomBytes } from 'node:crypto';
import { emptyHistogram, latencyBucketIndex } from '@portico/analytics';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { newId } from '@portico/id';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll } from 'vitest';
import { type Actor, type ApiContext, createCallerFactory, router } from '../../trpc';
import { usageRouter } from './index';

const createCaller = createCallerFactory(router({ usage: usageRouter }));
export const NOW = new Date(Date.UTC(2026, 10, 22, 12, 30, 20));
const MIN = 60_000;
export const at = (minutesAgo: number) =>
  new Date(Date.UTC(2026, 10, 22, 12, 30) - minutesAgo * MIN);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
export const ids = {
  developer: newId('user'),
  mine: newId('consumer'),
  theirs: newId('consumer'),
  api: newId('api'),
  otherApi: newId('api'),
  plan: newId('plan'),
  sub: newId('subscription'),
};

export function caller(actor: Actor, services: Partial<ApiContext> = {}) {
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
export const common = { via: 'token' as const, sessionId: null, tokenId: null };
export const viewer = () =>
  caller({ kind: 'operator', userId: 'usr_v', email: 'v@x.test', role: 'viewer', ...common });
export const developer = () =>
  caller({ kind: 'developer', userId: ids.developer, email: 'd@x.test', ...common });

/** A latency histogram in the analytics bucket layout, from single latencies in ms. */
export function histogramOf(latencies: number[]): number[] {
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

/** Creates and seeds this test file's database before its tests and drops it after them. */
export function useSeededUsage(): void {
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
}

/** The window the series tests ask about: the five minutes before NOW. */
export const window = { from: at(5).toISOString(), to: NOW.toISOString() };

/** The TRPCError a call rejects with; fails the test when it resolves or throws anything else. */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(err)}`);
  return err;
}
