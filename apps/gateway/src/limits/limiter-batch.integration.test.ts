import { describe, expect, it } from 'vitest';
import {
  createLimiter,
  type LimitDecision,
  type Limiter,
  type LimiterOptions,
  type LimitWaiter,
} from './index.js';
import { quotaPeriodAt } from './quota-period.js';
import { metric, scriptCalls } from './testing/limiter-observations.js';
import { CORRECTNESS_BUDGET_MS, limitChecks, usePrivateRedis } from './testing/limiter-suite.js';
import { randomKeyPrefix } from './testing/redis-test-prefix.js';

// A private server: its INFO commandstats count only this file's calls, and it can be paused.
// Checks use the correctness budget: a slow reply on a busy machine must not become a fallback
// (except in the test that pauses Redis on purpose).
const env = usePrivateRedis();
const limitCheck = limitChecks('pln_batch', 'con_batch');

/** Records every decision it is handed, to prove each check is answered exactly once. */
class Recorder implements LimitWaiter {
  readonly decisions: LimitDecision[] = [];
  onLimitDecision(decision: LimitDecision): void {
    this.decisions.push(decision);
  }
}

async function waitFor(condition: () => boolean, deadlineMs: number, what: string): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A limiter on this file's Redis with a fresh key prefix and the correctness budget. */
function batchLimiter(extra: Partial<LimiterOptions> = {}): Limiter {
  return createLimiter({
    redis: env.redis,
    keyPrefix: randomKeyPrefix(),
    budgetMs: CORRECTNESS_BUDGET_MS,
    ...extra,
  });
}

const allAnswered = (waiters: Recorder[]) => () => waiters.every((w) => w.decisions.length > 0);

describe('one Redis call per batch', () => {
  it('sends 300 checks submitted in one turn as one Lua call and answers each waiter in order', async () => {
    const limiter = batchLimiter();
    const rateLimit = { requests: 2, per: 'hour' as const };
    const before = await scriptCalls(env.admin);
    // 100 subjects, three checks each, interleaved: subject k is at positions k, 100+k, 200+k.
    const waiters: Recorder[] = [];
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 100; k++) {
        const waiter = new Recorder();
        limiter.submit(limitCheck({ subject: `con_${k}`, rateLimit }), waiter);
        waiters.push(waiter);
      }
    }
    // Nothing is answered inside submit when Redis is up: the batch waits for the flush.
    expect(waiters.every((w) => w.decisions.length === 0)).toBe(true);
    await waitFor(allAnswered(waiters), 10_000, 'every decision');

    expect(await scriptCalls(env.admin)).toBe(before + 1);
    expect(metric(limiter.metricsText(), 'portico_limiter_redis_calls_total')).toBe(1);
    for (let k = 0; k < 100; k++) {
      const [first, second, third] = [0, 1, 2].map((round) => waiters[round * 100 + k]);
      // Two a burst at 2 per hour: each admission takes 30 minutes of the window.
      expect(first?.decisions).toMatchObject([
        { allowed: true, headers: { RateLimit: '"rate";r=1;t=1800' } },
      ]);
      expect(second?.decisions).toMatchObject([
        { allowed: true, headers: { RateLimit: '"rate";r=0;t=3600' } },
      ]);
      expect(third?.decisions).toMatchObject([
        { allowed: false, reason: 'rate_limit', headers: { 'Retry-After': '1800' } },
      ]);
    }
    const text = limiter.metricsText();
    expect(metric(text, 'portico_limiter_decisions_total{source="redis",result="allowed"}')).toBe(
      200,
    );
    expect(
      metric(text, 'portico_limiter_decisions_total{source="redis",result="rate_limit"}'),
    ).toBe(100);
    expect(metric(text, 'portico_limiter_in_flight')).toBe(0);
  });

  it('splits a turn beyond maxBatchSize into several calls evaluated in submission order', async () => {
    const limiter = batchLimiter({
      maxBatchSize: 100,
    });
    const before = await scriptCalls(env.admin);
    const waiters = Array.from({ length: 250 }, () => new Recorder());
    const check = limitCheck({ rateLimit: { requests: 150, per: 'hour' } });
    for (const w of waiters) limiter.submit(check, w);
    await waitFor(allAnswered(waiters), 10_000, 'every decision');
    expect(await scriptCalls(env.admin)).toBe(before + 3);
    // The first 150 submitted are the 150 admitted, across the call boundaries.
    expect(waiters.map((w) => w.decisions.length)).toEqual(waiters.map(() => 1));
    expect(waiters.findIndex((w) => w.decisions[0]?.allowed !== true)).toBe(150);
    expect(waiters.slice(150).every((w) => w.decisions[0]?.reason === 'rate_limit')).toBe(true);
  });
});

describe('checks of one subject within a batch', () => {
  it('admits exactly one of two checks for a subject with a rate limit of 1', async () => {
    const limiter = batchLimiter();
    const check = limitCheck({ rateLimit: { requests: 1, per: 'minute' } });
    const [first, second] = [new Recorder(), new Recorder()];
    limiter.submit(check, first);
    limiter.submit(check, second);
    await waitFor(allAnswered([first, second]), 10_000, 'both decisions');
    expect(metric(limiter.metricsText(), 'portico_limiter_redis_calls_total')).toBe(1);
    expect(first.decisions.map((d) => d.allowed)).toEqual([true]);
    expect(second.decisions.map((d) => d.reason)).toEqual(['rate_limit']);
  });

  it('admits exactly one of two checks for a subject with a quota of 1, counting it once', async () => {
    const keyPrefix = randomKeyPrefix();
    const nowMs = Date.UTC(2026, 4, 14, 9, 30);
    const limiter = createLimiter({
      redis: env.redis,
      keyPrefix,
      budgetMs: CORRECTNESS_BUDGET_MS,
      now: () => nowMs,
    });
    const check = limitCheck({ quota: { requests: 1, per: 'day' } });
    const [first, second] = [new Recorder(), new Recorder()];
    limiter.submit(check, first);
    limiter.submit(check, second);
    await waitFor(allAnswered([first, second]), 10_000, 'both decisions');
    expect(first.decisions.map((d) => d.allowed)).toEqual([true]);
    expect(second.decisions.map((d) => d.reason)).toEqual(['quota']);
    const day = quotaPeriodAt(nowMs, 'day');
    expect(await env.admin.get(`{${keyPrefix}:pln_batch:con_batch}:q:day`)).toBe(
      `${day.startMs}:${day.endMs}:1`,
    );
  });

  it('counts no quota for a check the rate limit refused earlier in the same batch', async () => {
    const keyPrefix = randomKeyPrefix();
    const limiter = createLimiter({ redis: env.redis, keyPrefix, budgetMs: CORRECTNESS_BUDGET_MS });
    const check = limitCheck({
      rateLimit: { requests: 1, per: 'hour' },
      quota: { requests: 10, per: 'month' },
    });
    const waiters = [new Recorder(), new Recorder(), new Recorder()];
    for (const w of waiters) limiter.submit(check, w);
    await waitFor(allAnswered(waiters), 10_000, 'every decision');
    expect(waiters.map((w) => w.decisions[0]?.reason ?? null)).toEqual([
      null,
      'rate_limit',
      'rate_limit',
    ]);
    expect(waiters[2]?.decisions[0]?.headers.RateLimit).toMatch(/, "quota";r=9;t=\d+$/);
    const stored = await env.admin.get(`{${keyPrefix}:pln_batch:con_batch}:q:month`);
    expect(stored?.endsWith(':1')).toBe(true);
  });

  it('keeps the quota counter expiring at the end of its period as it counts up', async () => {
    const keyPrefix = randomKeyPrefix();
    const limiter = createLimiter({ redis: env.redis, keyPrefix, budgetMs: CORRECTNESS_BUDGET_MS });
    const check = limitCheck({ quota: { requests: 100, per: 'day' } });
    const key = `{${keyPrefix}:pln_batch:con_batch}:q:day`;
    await limiter.check(check);
    // A counter written without an expiry (by hand, or an older writer) gets one on next count.
    await env.admin.persist(key);
    for (let i = 0; i < 3; i++) await limiter.check(check);
    const ttl = await env.admin.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(quotaPeriodAt(Date.now(), 'day').endMs - Date.now() + 1_000);
    expect((await env.admin.get(key))?.endsWith(':4')).toBe(true);
  });

  it('evaluates checks at their own injected instants when the clock moves within a turn', async () => {
    let nowMs = Date.UTC(2026, 0, 1);
    const limiter = batchLimiter({
      now: () => nowMs,
    });
    const check = limitCheck({ rateLimit: { requests: 1, per: 'second' } });
    const [first, second] = [new Recorder(), new Recorder()];
    limiter.submit(check, first);
    nowMs += 1_000; // one emission interval later: the second check is admitted too
    limiter.submit(check, second);
    await waitFor(allAnswered([first, second]), 10_000, 'both decisions');
    expect([first, second].map((w) => w.decisions[0]?.allowed)).toEqual([true, true]);
  });
});

describe('waiters', () => {
  it('calls each waiter exactly once when the reply arrives after the ceiling, and refunds fail-closed admissions', async () => {
    const keyPrefix = randomKeyPrefix();
    // Long enough that a stalled test process cannot see the ceiling pass before the batch is
    // even sent (then nothing would reply late); nothing here measures time.
    const limiter = createLimiter({
      redis: env.redis,
      keyPrefix,
      maxWaitMs: 200,
      openCircuitAfterFailures: 100,
    });
    const limits = {
      rateLimit: { requests: 5, per: 'hour' as const },
      quota: { requests: 100, per: 'day' as const },
    };
    const open = Array.from({ length: 10 }, () => new Recorder());
    const closed = Array.from({ length: 10 }, () => new Recorder());
    env.server.pause();
    try {
      for (let i = 0; i < 10; i++) {
        limiter.submit(
          limitCheck({ subject: 'con_open', failurePolicy: 'open', ...limits }),
          open[i] as Recorder,
        );
        limiter.submit(limitCheck({ subject: 'con_closed', ...limits }), closed[i] as Recorder);
      }
      await waitFor(allAnswered([...open, ...closed]), 10_000, 'the ceiling decisions');
    } finally {
      env.server.resume();
    }
    // The local limiter admits five of the open checks; the closed ones are refused.
    expect(open.map((w) => w.decisions[0]?.allowed)).toEqual([
      ...Array<boolean>(5).fill(true),
      ...Array<boolean>(5).fill(false),
    ]);
    expect(closed.every((w) => w.decisions[0]?.reason === 'unavailable')).toBe(true);
    let text = limiter.metricsText();
    expect(metric(text, 'portico_limiter_unavailable_total{policy="open",cause="timeout"}')).toBe(
      10,
    );
    expect(metric(text, 'portico_limiter_unavailable_total{policy="closed",cause="timeout"}')).toBe(
      10,
    );

    await waitFor(
      () => metric(limiter.metricsText(), 'portico_limiter_late_replies_total') === 20,
      10_000,
      'the late reply',
    );
    // The reply came, decided nothing: every waiter still has its one decision.
    for (const w of [...open, ...closed]) expect(w.decisions).toHaveLength(1);
    text = limiter.metricsText();
    expect(metric(text, 'portico_limiter_in_flight')).toBe(0);
    expect(metric(text, 'portico_limiter_redis_calls_total')).toBe(1);

    // Redis admitted five closed checks the clients never saw admitted: all given back.
    const tag = `{${keyPrefix}:pln_batch:con_closed}`;
    const day = quotaPeriodAt(Date.now(), 'day');
    const deadline = performance.now() + 5_000;
    let stored = await env.admin.get(`${tag}:q:day`);
    while (stored !== `${day.startMs}:${day.endMs}:0` && performance.now() < deadline) {
      stored = await env.admin.get(`${tag}:q:day`);
    }
    expect(stored).toBe(`${day.startMs}:${day.endMs}:0`);
    expect(await env.admin.exists(`${tag}:rl`)).toBe(0);
    // The open checks were admitted locally, so what Redis counted for them stays counted.
    expect(await env.admin.get(`{${keyPrefix}:pln_batch:con_open}:q:day`)).toBe(
      `${day.startMs}:${day.endMs}:5`,
    );
  });

  it('answers the rest of a batch when one waiter throws, and counts it', async () => {
    const limiter = batchLimiter();
    let thrown = 0;
    const throwing: LimitWaiter = {
      onLimitDecision() {
        thrown += 1;
        throw new Error('the caller failed');
      },
    };
    const check = limitCheck({ rateLimit: { requests: 10, per: 'hour' } });
    const others = Array.from({ length: 5 }, () => new Recorder());
    limiter.submit(check, throwing);
    for (const w of others) limiter.submit(check, w);
    await waitFor(allAnswered(others), 10_000, 'the other decisions');
    expect(thrown).toBe(1);
    expect(others.map((w) => w.decisions.map((d) => d.allowed))).toEqual(others.map(() => [true]));
    expect(others[4]?.decisions[0]?.headers.RateLimit).toBe('"rate";r=4;t=2160');
    expect(metric(limiter.metricsText(), 'portico_limiter_waiter_errors_total')).toBe(1);
  });
});
