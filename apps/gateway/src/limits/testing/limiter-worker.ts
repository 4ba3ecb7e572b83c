/**
 * A separate gateway-like process for cross-process exactness tests: it builds its own ioredis
 * connection and limiter, waits for 'go', runs `callers` concurrent callers that each make
 * `callsPerCaller` sequential checks for one subject, and reports the tally over IPC.
 */
import type { Quota, RateLimit } from '@portico/config';
import { Redis } from 'ioredis';
import { createLimiter } from '../index.js';
import { limiterRedisOptions } from '../limiter-redis-options.js';

export interface WorkerJob {
  redisPort: number;
  keyPrefix: string;
  planId: string;
  subject: string;
  rateLimit: RateLimit | null;
  quota: Quota | null;
  callers: number;
  callsPerCaller: number;
  /** Freezes the limiter clock (passed to Redis) at this instant; null uses Redis TIME. */
  fixedNowMs: number | null;
  /** The limiter's `maxLease` (1: every check goes to Redis). */
  maxLease: number;
}

export interface WorkerTally {
  allowed: number;
  rateLimited: number;
  quotaExceeded: number;
  unavailable: number;
  errors: number;
}

export type WorkerMessage = { type: 'ready' } | { type: 'done'; tally: WorkerTally };

async function run(job: WorkerJob): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port: job.redisPort, ...limiterRedisOptions });
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  // The defaults, as the gateway runs: a slow reply on a busy machine is waited for, not
  // taken for an outage.
  const fixedNowMs = job.fixedNowMs;
  const limiter = createLimiter({
    redis,
    keyPrefix: job.keyPrefix,
    maxLease: job.maxLease,
    ...(fixedNowMs === null ? {} : { now: () => fixedNowMs }),
  });
  const tally: WorkerTally = {
    allowed: 0,
    rateLimited: 0,
    quotaExceeded: 0,
    unavailable: 0,
    errors: 0,
  };
  const go = new Promise<void>((resolve) => {
    process.on('message', (message) => {
      if (message === 'go') resolve();
    });
  });
  process.send?.({ type: 'ready' } satisfies WorkerMessage);
  await go;
  const caller = async () => {
    for (let i = 0; i < job.callsPerCaller; i++) {
      try {
        const decision = await limiter.check({
          planId: job.planId,
          subject: job.subject,
          rateLimit: job.rateLimit,
          quota: job.quota,
          failurePolicy: 'closed',
        });
        if (decision.allowed) tally.allowed += 1;
        else if (decision.reason === 'rate_limit') tally.rateLimited += 1;
        else if (decision.reason === 'quota') tally.quotaExceeded += 1;
        else tally.unavailable += 1;
      } catch {
        tally.errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.callers }, caller));
  process.send?.({ type: 'done', tally } satisfies WorkerMessage);
  await limiter.close();
  redis.disconnect();
}

process.once('message', (job: WorkerJob) => {
  run(job).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
