import type { Quota, RateLimit } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { quotaPeriodAt } from './quota-period.js';
import { forkLimiterWorker } from './testing/fork-limiter-worker.js';
import { limitChecks, SHARED_REDIS_PORT, useSharedRedis } from './testing/limiter-suite.js';
import type { WorkerTally } from './testing/limiter-worker.js';

const { redis, prefix, newLimiter } = useSharedRedis();
const limitCheck = limitChecks('pln_test', 'con_test');

/** A total of decisions all taken by Redis: none unavailable, no errors. */
function served(allowed: number, rateLimited: number, quotaExceeded: number): WorkerTally {
  return { allowed, rateLimited, quotaExceeded, unavailable: 0, errors: 0 };
}

// With leases (maxLease 256, the gateway's default) each process is handed admissions ahead of
// its requests; they are counted in Redis when granted, so the totals must come out exactly as
// without them.
describe.each([1, 256])('exactness across two processes (maxLease %i)', (maxLease) => {
  async function runTwoWorkers(
    rateLimit: RateLimit | null,
    quota: Quota | null,
    fixedNowMs: number | null,
  ) {
    const keyPrefix = prefix();
    const job = {
      redisPort: SHARED_REDIS_PORT,
      keyPrefix,
      planId: 'pln_exact',
      subject: 'con_exact',
      rateLimit,
      quota,
      callers: 100,
      callsPerCaller: 7,
      fixedNowMs,
      maxLease,
    };
    const workers = await Promise.all([forkLimiterWorker(job), forkLimiterWorker(job)]);
    try {
      const startedAt = performance.now();
      for (const w of workers) w.go();
      const tallies = await Promise.all(workers.map((w) => w.result));
      const elapsedMs = performance.now() - startedAt;
      const total = tallies.reduce<WorkerTally>(
        (sum, t) => ({
          allowed: sum.allowed + t.allowed,
          rateLimited: sum.rateLimited + t.rateLimited,
          quotaExceeded: sum.quotaExceeded + t.quotaExceeded,
          unavailable: sum.unavailable + t.unavailable,
          errors: sum.errors + t.errors,
        }),
        { allowed: 0, rateLimited: 0, quotaExceeded: 0, unavailable: 0, errors: 0 },
      );
      return { keyPrefix, total, tallies, elapsedMs };
    } finally {
      for (const w of workers) w.kill();
    }
  }

  // GCRA refills one request every 3.6 s at 1000/hour, and on a loaded 2-core machine the burst
  // can take longer than that, when a 1001st admission would be right. Both processes therefore
  // share one frozen instant (passed to Redis in place of TIME): what is measured is the atomic
  // counting across processes. The quota test below runs on Redis TIME.
  it('admits exactly 1000 of 1400 calls from 200 callers in two processes at 1000 per hour', async () => {
    const rateLimit: RateLimit = { requests: 1000, per: 'hour' };
    const frozenAt = Date.now();
    const { keyPrefix, total, tallies } = await runTwoWorkers(rateLimit, null, frozenAt);
    expect(total).toEqual(served(1000, 400, 0));
    // Both processes got a share: the count really was shared through Redis.
    for (const t of tallies) expect(t.allowed).toBeGreaterThan(0);
    const limiter = newLimiter({ keyPrefix, now: () => frozenAt });
    const next = await limiter.check(
      limitCheck({ planId: 'pln_exact', subject: 'con_exact', rateLimit }),
    );
    expect(next.reason).toBe('rate_limit');
    expect(next.headers.RateLimit).toMatch(/^"rate";r=0;t=\d+$/);
  });

  it('admits exactly 1000 of 1400 calls from 200 callers in two processes with a quota of 1000 per day', async () => {
    const quota: Quota = { requests: 1000, per: 'day' };
    const { keyPrefix, total } = await runTwoWorkers(null, quota, null);
    expect(total).toEqual(served(1000, 0, 400));
    const stored = await redis.get(`{${keyPrefix}:pln_exact:con_exact}:q:day`);
    const day = quotaPeriodAt(Date.now(), 'day');
    expect(stored).toBe(`${day.startMs}:${day.endMs}:1000`);
  });
  it('counts no quota for the 900 calls two processes had refused by the rate limit', async () => {
    const rateLimit: RateLimit = { requests: 500, per: 'hour' };
    const quota: Quota = { requests: 1000, per: 'day' };
    const frozenAt = Date.now();
    const { keyPrefix, total } = await runTwoWorkers(rateLimit, quota, frozenAt);
    expect(total).toEqual(served(500, 900, 0));
    const day = quotaPeriodAt(frozenAt, 'day');
    expect(await redis.get(`{${keyPrefix}:pln_exact:con_exact}:q:day`)).toBe(
      `${day.startMs}:${day.endMs}:500`,
    );
  });
});
