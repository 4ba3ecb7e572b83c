import { type RedisServer, startRedisServer } from '@portico/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createLimiter } from '../index.js';
import { limiterRedisOptions } from '../limiter-redis-options.js';
import type { LimitCheck, LimitDecision, Limiter, LimiterOptions } from '../limiter-types.js';
import { deleteLimiterKeys, randomKeyPrefix } from './redis-test-prefix.js';

/** The shared development Redis, which these suites use under a key prefix of their own. */
export const SHARED_REDIS_PORT = 6379;

/**
 * These tests check what Redis decides, not latency (the Redis-down suites do that), so a busy
 * shared machine must not turn a slow answer into a fallback decision.
 */
export const CORRECTNESS_BUDGET_MS = 5_000;

/** A check of `planId` and `subject` without limits, closed on failure, unless `over` says. */
export function limitChecks(
  planId: string,
  subject: string,
): (over: Partial<LimitCheck>) => LimitCheck {
  return (over) => ({
    planId,
    subject,
    rateLimit: null,
    quota: null,
    failurePolicy: 'closed',
    ...over,
  });
}

/** A settable clock for boundary tests; Redis receives this time instead of its own TIME. */
export function manualClock(startMs: number) {
  let nowMs = startMs;
  return { now: () => nowMs, set: (ms: number) => (nowMs = ms) };
}

/** `turns` event-loop turns of `perTurn` concurrent checks each, like a busy consumer's traffic. */
export async function busyTraffic(
  check: () => Promise<LimitDecision>,
  turns: number,
  perTurn: number,
): Promise<LimitDecision[]> {
  const decisions: LimitDecision[] = [];
  for (let t = 0; t < turns; t++) {
    decisions.push(...(await Promise.all(Array.from({ length: perTurn }, check))));
  }
  return decisions;
}

export async function checkMany(
  check: () => Promise<LimitDecision>,
  count: number,
): Promise<LimitDecision[]> {
  return Promise.all(Array.from({ length: count }, check));
}

export interface SharedRedis {
  readonly redis: Redis;
  /** A fresh key prefix; its keys are deleted after the test. */
  prefix(): string;
  /** A limiter on `redis` with the correctness budget, under a fresh prefix unless `over` names one. */
  newLimiter(over?: Partial<LimiterOptions>): Limiter;
}

/** A limiter connection to the shared Redis for the calling test file, ready before its tests. */
export function useSharedRedis(): SharedRedis {
  const redis = new Redis({
    host: '127.0.0.1',
    port: SHARED_REDIS_PORT,
    ...limiterRedisOptions,
    lazyConnect: true,
  });
  const prefixes: string[] = [];
  beforeAll(() => redis.connect());
  afterEach(async () => {
    for (const p of prefixes.splice(0)) await deleteLimiterKeys(redis, p);
  });
  afterAll(() => {
    redis.disconnect();
  });
  const prefix = () => {
    const p = randomKeyPrefix();
    prefixes.push(p);
    return p;
  };
  return {
    redis,
    prefix,
    newLimiter: (over = {}) =>
      createLimiter({
        redis,
        keyPrefix: over.keyPrefix ?? prefix(),
        budgetMs: CORRECTNESS_BUDGET_MS,
        ...over,
      }),
  };
}

export interface PrivateRedis {
  /** The calling file's own server: its INFO commandstats count only its calls; it can be paused. */
  readonly server: RedisServer;
  /** A limiter connection to it (limiterRedisOptions). */
  readonly redis: Redis;
  /** A plain connection to it, for reading keys and command counts. */
  readonly admin: Redis;
}

/** A private redis-server for the calling test file, started before its tests, stopped after. */
export function usePrivateRedis(): PrivateRedis {
  let started: PrivateRedis | null = null;
  beforeAll(async () => {
    const server = await startRedisServer();
    const redis = new Redis({ host: '127.0.0.1', port: server.port, ...limiterRedisOptions });
    const admin = new Redis({ host: '127.0.0.1', port: server.port });
    await Promise.all(
      [redis, admin].map((c) => new Promise<void>((resolve) => c.once('ready', () => resolve()))),
    );
    started = { server, redis, admin };
  });
  afterAll(async () => {
    if (started === null) return;
    started.redis.disconnect();
    started.admin.disconnect();
    await started.server.stop();
  });
  const get = (): PrivateRedis => {
    if (started === null) throw new Error('the private Redis is only there once beforeAll ran');
    return started;
  };
  return {
    get server() {
      return get().server;
    },
    get redis() {
      return get().redis;
    },
    get admin() {
      return get().admin;
    },
  };
}
