import { parseQuotaCounter, type Quota, quotaCounterKey, type RateLimit } from '@portico/config';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLimiter,
  type LimitCheck,
  type LimitDecision,
  limiterRedisOptions,
} from './index.js';
import { quotaPeriodAt } from './quota-period.js';
import { forkLimiterWorker } from './testing/fork-limiter-worker.js';
import type { WorkerTally } from './testing/limiter-worker.js';
import { deleteLimiterKeys, randomKeyPrefix } from './testing/redis-test-prefix.js';

const REDIS_PORT = 6379;
// These tests check what Redis decides, not latency (the Redis-down suite does that), so a busy
// shared machine must not turn a slow answer into a fallback decision.
const CORRECTNESS_BUDGET_MS = 5_000;
let redis: Redis;
const prefixes: string[] = [];

function prefix(): string {
  const p = randomKeyPrefix();
  prefixes.push(p);
  return p;
}

function limitCheck(over: Partial<LimitCheck>): LimitCheck {
  return {
    planId: 'pln_test',
    subject: 'con_test',
    rateLimit: null,
    quota: null,
    failurePolicy: 'closed',
    ...over,
  };
}

/** A settable clock for boundary tests; Redis receives this time instead of its own TIME. */
function manualClock(startMs: number) {
  let nowMs = startMs;
  return { now: () => nowMs, set: (ms: number) => (nowMs = ms) };
}

async function checkMany(
  check: () => Promise<LimitDecision>,
  count: number,
): Promise<LimitDecision[]> {
  return Promise.all(Array.from({ length: count }, check));
}

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: REDIS_PORT, ...limiterRedisOptions });
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
});

afterEach(async () => {
  for (const p of prefixes.splice(0)) await deleteLimiterKeys(redis, p);
});

afterAll(() => {
  redis.disconnect();
});

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
      redisPort: REDIS_PORT,
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
    expect(total).toEqual({
      allowed: 1000,
      rateLimited: 400,
      quotaExceeded: 0,
      unavailable: 0,
      errors: 0,
    });
    // Both processes got a share: the count really was shared through Redis.
    for (const t of tallies) expect(t.allowed).toBeGreaterThan(0);
    const limiter = createLimiter({
      redis,
      keyPrefix,
      budgetMs: CORRECTNESS_BUDGET_MS,
      now: () => frozenAt,
    });
    const next = await limiter.check(
      limitCheck({ planId: 'pln_exact', subject: 'con_exact', rateLimit }),
    );
    expect(next.reason).toBe('rate_limit');
    expect(next.headers.RateLimit).toMatch(/^"rate";r=0;t=\d+$/);
  });

  it('admits exactly 1000 of 1400 calls from 200 callers in two processes with a quota of 1000 per day', async () => {
    const quota: Quota = { requests: 1000, per: 'day' };
    const { keyPrefix, total } = await runTwoWorkers(null, quota, null);
    expect(total).toEqual({
      allowed: 1000,
      rateLimited: 0,
      quotaExceeded: 400,
      unavailable: 0,
      errors: 0,
    });
    const stored = await redis.get(`{${keyPrefix}:pln_exact:con_exact}:q:day`);
    const day = quotaPeriodAt(Date.now(), 'day');
    expect(stored).toBe(`${day.startMs}:${day.endMs}:1000`);
  });
  it('counts no quota for the 900 calls two processes had refused by the rate limit', async () => {
    const rateLimit: RateLimit = { requests: 500, per: 'hour' };
    const quota: Quota = { requests: 1000, per: 'day' };
    const frozenAt = Date.now();
    const { keyPrefix, total } = await runTwoWorkers(rateLimit, quota, frozenAt);
    expect(total).toEqual({
      allowed: 500,
      rateLimited: 900,
      quotaExceeded: 0,
      unavailable: 0,
      errors: 0,
    });
    const day = quotaPeriodAt(frozenAt, 'day');
    expect(await redis.get(`{${keyPrefix}:pln_exact:con_exact}:q:day`)).toBe(
      `${day.startMs}:${day.endMs}:500`,
    );
  });
});

describe('a request denied by one limit consumes nothing from the other', () => {
  it('requests refused by the rate limit use no quota', async () => {
    const keyPrefix = prefix();
    const limiter = createLimiter({ redis, keyPrefix, budgetMs: CORRECTNESS_BUDGET_MS });
    const req = limitCheck({
      rateLimit: { requests: 10, per: 'hour' },
      quota: { requests: 1000, per: 'day' },
    });
    const decisions = await checkMany(() => limiter.check(req), 30);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.filter((d) => d.reason === 'rate_limit')).toHaveLength(20);
    const stored = await redis.get(`{${keyPrefix}:pln_test:con_test}:q:day`);
    const day = quotaPeriodAt(Date.now(), 'day');
    expect(stored).toBe(`${day.startMs}:${day.endMs}:10`);
    const denied = decisions.find((d) => !d.allowed);
    expect(denied?.headers.RateLimit).toMatch(/, "quota";r=990;t=\d+$/);
  });

  it('requests refused by the quota use no rate limit', async () => {
    const keyPrefix = prefix();
    const limiter = createLimiter({ redis, keyPrefix, budgetMs: CORRECTNESS_BUDGET_MS });
    const req = limitCheck({
      rateLimit: { requests: 1000, per: 'hour' },
      quota: { requests: 5, per: 'day' },
    });
    const decisions = await checkMany(() => limiter.check(req), 30);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.filter((d) => d.reason === 'quota')).toHaveLength(25);
    const after = await limiter.check(req);
    expect(after.reason).toBe('quota');
    expect(after.headers.RateLimit).toMatch(/^"rate";r=995;t=\d+, "quota";r=0;t=\d+$/);
  });
});

describe('GCRA across window boundaries (injected clock)', () => {
  it('refills one request per emission interval instead of resetting at a fixed window edge', async () => {
    // 100 ms before a minute boundary, where a fixed window would hand out a fresh 10.
    const t0 = Date.UTC(2026, 10, 22, 12, 0, 59, 900);
    const clock = manualClock(t0);
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: clock.now,
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const req = limitCheck({ rateLimit: { requests: 10, per: 'minute' } });

    const burst = await checkMany(() => limiter.check(req), 12);
    expect(burst.filter((d) => d.allowed)).toHaveLength(10);
    const denied = burst.find((d) => !d.allowed);
    expect(denied?.retryAfterSeconds).toBe(6);
    expect(denied?.headers['Retry-After']).toBe('6');
    expect(denied?.detail).toBe(
      'Rate limit of 10 requests per minute exceeded; retry in 6 s (at 2026-11-22T12:01:06Z).',
    );

    clock.set(t0 + 200); // past the minute edge: still nothing
    expect((await limiter.check(req)).allowed).toBe(false);
    clock.set(t0 + 5_999);
    expect((await limiter.check(req)).allowed).toBe(false);
    clock.set(t0 + 6_000); // exactly one emission interval later: exactly one more
    expect((await limiter.check(req)).allowed).toBe(true);
    expect((await limiter.check(req)).allowed).toBe(false);

    clock.set(t0 + 6_000 + 60_000); // a whole period idle: the full burst is back
    const refilled = await checkMany(() => limiter.check(req), 11);
    expect(refilled.filter((d) => d.allowed)).toHaveLength(10);
  });

  it('stays exact for limits whose interval is not a whole number of milliseconds', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: clock.now,
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const req = limitCheck({ rateLimit: { requests: 7, per: 'second' } });
    const burst = await checkMany(() => limiter.check(req), 9);
    expect(burst.filter((d) => d.allowed)).toHaveLength(7);
    // 1000/7 = 142.857 ms per request: at 142 ms nothing, at 143 ms one.
    clock.set(Date.UTC(2026, 0, 1) + 142);
    expect((await limiter.check(req)).allowed).toBe(false);
    clock.set(Date.UTC(2026, 0, 1) + 143);
    expect((await limiter.check(req)).allowed).toBe(true);
    expect((await limiter.check(req)).allowed).toBe(false);
  });

  it('admits a burst of exactly the limit for very large limits', async () => {
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: () => Date.UTC(2026, 0, 1),
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const req = limitCheck({ rateLimit: { requests: 300, per: 'second' } });
    const burst = await checkMany(() => limiter.check(req), 301);
    expect(burst.filter((d) => d.allowed)).toHaveLength(300);
  });
});

describe('GCRA on Redis TIME', () => {
  it('refills a per-second limit after about one emission interval', async () => {
    const limiter = createLimiter({ redis, keyPrefix: prefix(), budgetMs: CORRECTNESS_BUDGET_MS });
    const req = limitCheck({ rateLimit: { requests: 5, per: 'second' } });
    const burst = await checkMany(() => limiter.check(req), 6);
    expect(burst.filter((d) => d.allowed)).toHaveLength(5);
    const denied = burst.find((d) => !d.allowed);
    expect(denied?.retryAfterSeconds).toBe(1);
    expect(denied?.headers.RateLimit).toBe('"rate";r=0;t=1');

    const deniedAt = performance.now();
    let admittedAfterMs = -1;
    const deadline = deniedAt + 2_000;
    while (performance.now() < deadline) {
      if ((await limiter.check(req)).allowed) {
        admittedAfterMs = performance.now() - deniedAt;
        break;
      }
    }
    // One request every 200 ms; Redis TIME is millisecond-grained so allow a little slack.
    expect(admittedAfterMs).toBeGreaterThan(150);
    expect(admittedAfterMs).toBeLessThan(1_000);
    expect((await limiter.check(req)).allowed).toBe(false);
  });
});

describe('calendar quotas (UTC)', () => {
  it('resets a monthly quota at midnight UTC on the first of the next month', async () => {
    const clock = manualClock(Date.parse('2026-11-30T23:59:59.999Z'));
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: clock.now,
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const req = limitCheck({ quota: { requests: 3, per: 'month' } });
    const first = await checkMany(() => limiter.check(req), 4);
    expect(first.filter((d) => d.allowed)).toHaveLength(3);
    const denied = first.find((d) => !d.allowed);
    expect(denied?.reason).toBe('quota');
    expect(denied?.detail).toBe(
      'Quota of 3 requests per month (UTC) is used up; it resets at 2026-12-01T00:00:00Z.',
    );
    expect(denied?.retryAfterSeconds).toBe(1);
    expect(denied?.headers['RateLimit-Policy']).toBe('"quota";q=3;w=2592000');

    clock.set(Date.parse('2026-12-01T00:00:00.000Z'));
    const december = await limiter.check(req);
    expect(december.allowed).toBe(true);
    expect(december.headers['RateLimit-Policy']).toBe('"quota";q=3;w=2678400');
    expect(december.headers.RateLimit).toBe(`"quota";r=2;t=${31 * 86_400}`);
  });

  it('rolls a monthly quota over the year end and knows leap February', async () => {
    const clock = manualClock(Date.parse('2027-12-31T12:00:00Z'));
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: clock.now,
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const req = limitCheck({ quota: { requests: 1, per: 'month' } });
    expect((await limiter.check(req)).allowed).toBe(true);
    expect((await limiter.check(req)).detail).toContain('resets at 2028-01-01T00:00:00Z');
    clock.set(Date.parse('2028-01-01T00:00:00Z'));
    expect((await limiter.check(req)).allowed).toBe(true);
    clock.set(Date.parse('2028-02-10T00:00:00Z'));
    const february = await limiter.check(req);
    expect(february.headers['RateLimit-Policy']).toBe(`"quota";q=1;w=${29 * 86_400}`);
  });

  it('resets a daily quota at midnight UTC', async () => {
    const clock = manualClock(Date.parse('2026-11-22T23:00:00Z'));
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: clock.now,
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const req = limitCheck({ quota: { requests: 2, per: 'day' } });
    await checkMany(() => limiter.check(req), 2);
    const denied = await limiter.check(req);
    expect(denied.retryAfterSeconds).toBe(3_600);
    expect(denied.detail).toContain('resets at 2026-11-23T00:00:00Z');
    clock.set(Date.parse('2026-11-23T00:00:00Z'));
    expect((await limiter.check(req)).allowed).toBe(true);
  });

  it('computes the same calendar periods in Lua as in JavaScript for random instants', async () => {
    const clock = manualClock(0);
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: clock.now,
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let i = 0; i < 150; i++) {
      // 1970 .. 2200, whole milliseconds
      const at = Math.floor(random() * Date.UTC(2200, 0, 1));
      clock.set(at);
      for (const per of ['day', 'month'] as const) {
        const decision = await limiter.check(
          limitCheck({ subject: `con_${i}`, quota: { requests: 10, per } }),
        );
        const period = quotaPeriodAt(at, per);
        expect(decision.headers['RateLimit-Policy']).toBe(
          `"quota";q=10;w=${(period.endMs - period.startMs) / 1000}`,
        );
        expect(decision.headers.RateLimit).toBe(
          `"quota";r=9;t=${Math.ceil((period.endMs - at) / 1000)}`,
        );
      }
    }
  });
});

describe('plan changes', () => {
  it('starts a fresh counter when a plan switches from a daily to a monthly quota', async () => {
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: () => Date.parse('2026-11-22T10:00:00Z'),
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    const daily = limitCheck({ quota: { requests: 1, per: 'day' } });
    expect((await limiter.check(daily)).allowed).toBe(true);
    expect((await limiter.check(daily)).reason).toBe('quota');
    const monthly = await limiter.check(limitCheck({ quota: { requests: 1, per: 'month' } }));
    expect(monthly.allowed).toBe(true);
    expect(monthly.headers['RateLimit-Policy']).toBe('"quota";q=1;w=2592000');
  });

  it("does not lock a subject out when its plan's rate limit is lowered", async () => {
    const limiter = createLimiter({
      redis,
      keyPrefix: prefix(),
      now: () => Date.UTC(2026, 0, 1),
      budgetMs: CORRECTNESS_BUDGET_MS,
    });
    expect(
      (await limiter.check(limitCheck({ rateLimit: { requests: 1_000_000, per: 'second' } })))
        .allowed,
    ).toBe(true);
    // The stored TAT is 1 microsecond ahead; under 1/second that must not read as a second or more.
    const lowered = await limiter.check(limitCheck({ rateLimit: { requests: 1, per: 'second' } }));
    expect(lowered.allowed).toBe(true);
  });
});

describe('Redis keys', () => {
  it('puts the rate and quota keys of one subject under one hash tag, with expiries', async () => {
    const keyPrefix = prefix();
    const limiter = createLimiter({ redis, keyPrefix, budgetMs: CORRECTNESS_BUDGET_MS });
    await limiter.check(
      limitCheck({
        planId: 'pln_k',
        subject: 'ip:2001:db8::1',
        rateLimit: { requests: 100, per: 'hour' },
        quota: { requests: 100, per: 'day' },
      }),
    );
    const tag = `{${keyPrefix}:pln_k:ip:2001:db8::1}`;
    const rateTtl = await redis.pttl(`${tag}:rl`);
    const quotaTtl = await redis.pttl(`${tag}:q:day`);
    // TAT is 36 s ahead after one request at 100/hour; the key lives just that long.
    expect(rateTtl).toBeGreaterThan(30_000);
    expect(rateTtl).toBeLessThanOrEqual(36_001);
    expect(quotaTtl).toBeGreaterThan(0);
    expect(quotaTtl).toBeLessThanOrEqual(
      quotaPeriodAt(Date.now(), 'day').endMs - Date.now() + 1_000,
    );
  });

  it('answers plans without limits at once, without headers or keys', async () => {
    const keyPrefix = prefix();
    const limiter = createLimiter({ redis, keyPrefix, budgetMs: CORRECTNESS_BUDGET_MS });
    const decision = await limiter.check(limitCheck({}));
    expect(decision).toEqual({
      allowed: true,
      reason: null,
      headers: {},
      retryAfterSeconds: null,
      detail: null,
    });
    const [, keys] = await redis.scan('0', 'MATCH', `{${keyPrefix}:*`, 'COUNT', 1000);
    expect(keys).toEqual([]);
  });

  it('recovers when the script cache is flushed (EVALSHA falls back to EVAL)', async () => {
    const limiter = createLimiter({ redis, keyPrefix: prefix(), budgetMs: CORRECTNESS_BUDGET_MS });
    const req = limitCheck({ rateLimit: { requests: 3, per: 'hour' } });
    expect((await limiter.check(req)).allowed).toBe(true);
    await redis.script('FLUSH');
    expect((await limiter.check(req)).allowed).toBe(true);
    expect((await limiter.check(req)).headers.RateLimit).toMatch(/^"rate";r=0;/);
  });
});

describe('key layout shared with the control plane', () => {
  it('writes the quota counter under quotaCounterKey in the format parseQuotaCounter reads', async () => {
    const keyPrefix = prefix();
    const nowMs = Date.UTC(2026, 4, 14, 9, 30);
    const limiter = createLimiter({
      redis,
      keyPrefix,
      budgetMs: CORRECTNESS_BUDGET_MS,
      now: () => nowMs,
    });
    for (const per of ['day', 'month'] as const) {
      const check = limitCheck({
        planId: 'pln_keys',
        subject: 'con_keys',
        quota: { requests: 10, per },
      });
      await checkMany(() => limiter.check(check), 3);
      const period = quotaPeriodAt(nowMs, per);
      const stored = await redis.get(quotaCounterKey(keyPrefix, 'pln_keys', 'con_keys', per));
      expect(parseQuotaCounter(stored)).toEqual({
        startMs: period.startMs,
        endMs: period.endMs,
        count: 3,
      });
    }
    // The literal layout, so a change to the shared function is a visible, deliberate change.
    expect(quotaCounterKey(keyPrefix, 'pln_keys', 'con_keys', 'day')).toBe(
      `{${keyPrefix}:pln_keys:con_keys}:q:day`,
    );
    await limiter.close();
  });
});
