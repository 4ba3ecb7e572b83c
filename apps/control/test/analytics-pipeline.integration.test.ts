import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { analyticsQueueName } from '@portico/analytics';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import { freePort, waitFor } from '@portico/testkit';
import { Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAnalyticsPipelineReader } from '../src/usage/analytics-pipeline-reader';
import { listeningControlServer, testControlServer } from './control-server';
import { mutate, query, sessionCookieFrom, setUpOwner } from './http-client';

/**
 * The console's view of the analytics pipeline, read by the control plane from a real Redis and
 * a real BullMQ queue: batches waiting with no worker, the gateways' backlog bound crossed, and
 * a worker catching up.
 */
const OWNER = { email: 'owner@example.test', password: 'a long enough password', name: 'Owner' };
const queuePrefix = `{pipeline-test-${randomBytes(4).toString('hex')}}`;
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

let database: TestDatabase;
let redis: Redis;
let app: FastifyInstance;
let base: string;
let cookie: string;
let producer: Queue;
let reader: ReturnType<typeof redisAnalyticsPipelineReader>;

interface PipelineView {
  available: boolean;
  reason?: string;
  waiting: number;
  backlog: number;
  workers: number | null;
  shedding: boolean;
  maxQueueBacklog: number;
  oldestWaitingAgeSeconds: number | null;
  warnings: string[];
}

async function pipeline(): Promise<PipelineView> {
  const reply = await query(base, 'usage.pipeline', undefined, { cookie });
  expect(reply.status).toBe(200);
  return reply.body.result?.data as PipelineView;
}

beforeAll(async () => {
  database = await createTestDatabase();
  redis = new Redis(connection);
  reader = redisAnalyticsPipelineReader({
    redis,
    queuePrefix,
    maxQueueBacklog: 3,
    memoryShedRatio: 0.8,
  });
  ({ app, base } = await listeningControlServer({ db: database.db, analyticsPipeline: reader }));
  cookie = await setUpOwner(base, OWNER);
  producer = new Queue(analyticsQueueName(), { connection, prefix: queuePrefix });
});

afterAll(async () => {
  await producer?.obliterate({ force: true }).catch(() => undefined);
  await producer?.close();
  await reader?.close();
  await app?.close();
  redis?.disconnect();
  await database?.drop();
});

describe('the analytics pipeline in the console', () => {
  it('shows an empty queue, and says when Redis has no maxmemory', async () => {
    const view = await pipeline();
    expect(view).toMatchObject({ available: true, waiting: 0, backlog: 0, shedding: false });
    expect(view.oldestWaitingAgeSeconds).toBeNull();
    const maxMemory = Number((await redis.config('GET', 'maxmemory'))[1]);
    if (maxMemory === 0) expect(view.warnings.join(' ')).toMatch(/no maxmemory set/);
  });

  it('counts waiting batches, says no worker consumes them, and says when gateways shed', async () => {
    for (let i = 0; i < 3; i++) await producer.add('aggregate-batch', { n: i }, { jobId: `b${i}` });
    const view = await pipeline();
    expect(view).toMatchObject({
      available: true,
      waiting: 3,
      backlog: 3,
      workers: 0,
      maxQueueBacklog: 3,
      shedding: true,
    });
    expect(view.oldestWaitingAgeSeconds).toBeGreaterThanOrEqual(0);
    const warnings = view.warnings.join('\n');
    expect(warnings).toMatch(/3 batches wait, at or past the gateways' bound of 3/);
    expect(warnings).toMatch(/No worker is connected to the analytics queue/);
  });

  it('shows a connected worker draining the queue, and the shedding ends', async () => {
    const worker = new Worker(analyticsQueueName(), async () => undefined, {
      connection,
      prefix: queuePrefix,
    });
    try {
      const view = await waitFor('the worker connected and the queue drained', async () => {
        const v = await pipeline();
        return v.backlog === 0 && v.workers === 1 ? v : false;
      });
      expect(view.shedding).toBe(false);
      expect(view.warnings.join('\n')).not.toMatch(/No worker|batches wait/);
    } finally {
      await worker.close();
    }
  });

  it('a developer session cannot read it', async () => {
    const reply = await query(base, 'usage.pipeline', undefined, {});
    expect(reply.status).toBe(401);
  });
});

describe('without a usable Redis', () => {
  it('says the control plane has no Redis, or that Redis did not answer', async () => {
    const noRedis = await testControlServer({ db: database.db });
    // Nothing listens on this port, and the client gives up at once instead of reconnecting.
    const offline = new Redis({
      host: '127.0.0.1',
      port: await freePort(),
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    offline.on('error', () => undefined);
    const offlineReader = redisAnalyticsPipelineReader({
      redis: offline,
      queuePrefix,
      maxQueueBacklog: 10,
      memoryShedRatio: 0.8,
    });
    const withOffline = await testControlServer({
      db: database.db,
      analyticsPipeline: offlineReader,
    });
    try {
      for (const [server, reason] of [
        [noRedis, /no Redis configured \(REDIS_URL\)/],
        [withOffline, /Redis did not answer: redis is (wait|connecting|reconnecting|end|close)/],
      ] as const) {
        await server.listen({ port: 0, host: '127.0.0.1' });
        const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
        const signIn = await mutate(url, 'auth.signIn', {
          email: OWNER.email,
          password: OWNER.password,
        });
        const session = sessionCookieFrom(signIn.headers)?.pair ?? '';
        const reply = await query(url, 'usage.pipeline', undefined, { cookie: session });
        const view = reply.body.result?.data as PipelineView | undefined;
        expect(view).toMatchObject({ available: false });
        expect(view?.reason).toMatch(reason);
      }
    } finally {
      await noRedis.close();
      await withOffline.close();
      await offlineReader.close();
      offline.disconnect();
    }
  });
});
