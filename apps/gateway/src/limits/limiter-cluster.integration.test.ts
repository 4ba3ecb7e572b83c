import { redisKeySlot } from '@portico/config';
import { type RedisServer, startRedisServer } from '@portico/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLimiter,
  type LimitCheck,
  type LimitDecision,
  type Limiter,
  type LimitWaiter,
  limiterRedisOptions,
} from './index.js';
import { randomKeyPrefix } from './testing/redis-test-prefix.js';

// A one-node Redis Cluster owning all 16384 slots: like any cluster it refuses a command whose
// keys span slots (CROSSSLOT), which is what the limiter's grouping by slot must avoid.
let server: RedisServer;
let admin: Redis;
const clients: Array<Redis | Cluster> = [];
const CORRECTNESS_BUDGET_MS = 5_000;
const SUBJECTS = Array.from({ length: 40 }, (_, i) => `con_${i}`);

beforeAll(async () => {
  server = await startRedisServer({ cluster: true });
  admin = new Redis({ host: '127.0.0.1', port: server.port });
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  const deadline = performance.now() + 20_000;
  while (!String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
    if (performance.now() > deadline) throw new Error('cluster state never became ok');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  admin.disconnect();
  await server.stop();
});

async function ready<T extends Redis | Cluster>(client: T): Promise<T> {
  clients.push(client);
  if (client.status !== 'ready') {
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  }
  return client;
}

class Recorder implements LimitWaiter {
  readonly decisions: LimitDecision[] = [];
  onLimitDecision(decision: LimitDecision): void {
    this.decisions.push(decision);
  }
}

/** Submits one check per subject in one turn and waits for every answer. */
async function submitAll(limiter: Limiter): Promise<LimitDecision[]> {
  const waiters = SUBJECTS.map(() => new Recorder());
  SUBJECTS.forEach((subject, i) => {
    const check: LimitCheck = {
      planId: 'pln_cluster',
      subject,
      rateLimit: { requests: 10, per: 'hour' },
      quota: { requests: 100, per: 'day' },
      failurePolicy: 'closed',
    };
    limiter.submit(check, waiters[i] as Recorder);
  });
  const deadline = performance.now() + 10_000;
  while (!waiters.every((w) => w.decisions.length > 0)) {
    if (performance.now() > deadline) throw new Error('timed out waiting for decisions');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(waiters.map((w) => w.decisions.length)).toEqual(waiters.map(() => 1));
  return waiters.map((w) => w.decisions[0] as LimitDecision);
}

function slotsOf(keyPrefix: string): number {
  return new Set(SUBJECTS.map((s) => redisKeySlot(`{${keyPrefix}:pln_cluster:${s}}:rl`))).size;
}

function redisCalls(limiter: Limiter): number {
  const match = /^portico_limiter_redis_calls_total (\d+)$/m.exec(limiter.metricsText());
  return Number(match?.[1]);
}

describe('Redis Cluster', () => {
  it('splits a batch by hash slot through an ioredis Cluster client, one call per slot', async () => {
    const cluster = await ready(
      new Cluster([{ host: '127.0.0.1', port: server.port }], {
        enableOfflineQueue: false,
        redisOptions: { maxRetriesPerRequest: 0, commandTimeout: 1_000 },
      }),
    );
    const keyPrefix = randomKeyPrefix();
    // No `cluster` option: an ioredis Cluster says so itself.
    const limiter = createLimiter({ redis: cluster, keyPrefix, budgetMs: CORRECTNESS_BUDGET_MS });
    const decisions = await submitAll(limiter);
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(decisions[0]?.headers.RateLimit).toMatch(/^"rate";r=9;t=360, "quota";r=99;t=\d+$/);
    const slots = slotsOf(keyPrefix);
    expect(slots).toBeGreaterThan(1);
    expect(redisCalls(limiter)).toBe(slots);
  });

  it('splits by slot on a plain connection when told it talks to a cluster', async () => {
    const redis = await ready(
      new Redis({ host: '127.0.0.1', port: server.port, ...limiterRedisOptions }),
    );
    const keyPrefix = randomKeyPrefix();
    const limiter = createLimiter({
      redis,
      keyPrefix,
      cluster: true,
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const decisions = await submitAll(limiter);
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(redisCalls(limiter)).toBe(slotsOf(keyPrefix));
  });

  it('fails the whole batch with CROSSSLOT when not told, which is why the grouping exists', async () => {
    const redis = await ready(
      new Redis({ host: '127.0.0.1', port: server.port, ...limiterRedisOptions }),
    );
    const limiter = createLimiter({
      redis,
      keyPrefix: randomKeyPrefix(),
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const decisions = await submitAll(limiter);
    expect(decisions.every((d) => d.reason === 'unavailable')).toBe(true);
    expect(redisCalls(limiter)).toBe(1);
    expect(limiter.metricsText()).toContain(
      `portico_limiter_unavailable_total{policy="closed",cause="error"} ${SUBJECTS.length}\n`,
    );
  });
});
