import { describe, expect, it } from 'vitest';
import { createLimiter, type LimitCheck, type LimitDecision, type LimitWaiter } from './index.js';

// Without Redis (redis: null) the limiter never does I/O, so its failure paths are unit-testable.
const req = (failurePolicy: 'open' | 'closed', subject = 'con_1'): LimitCheck => ({
  planId: 'pln_1',
  subject,
  rateLimit: { requests: 3, per: 'minute' },
  quota: null,
  failurePolicy,
});

describe('createLimiter without Redis', () => {
  it('fails open under the local limiter and counts every such decision', async () => {
    const limiter = createLimiter({ redis: null, keyPrefix: 'unit', now: () => 0 });
    const decisions = await Promise.all(
      Array.from({ length: 5 }, () => limiter.check(req('open'))),
    );
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    expect(decisions[3]?.headers['Retry-After']).toBe('20');
    expect(limiter.metricsText()).toContain(
      'portico_limiter_unavailable_total{policy="open",cause="no_connection"} 5',
    );
  });

  it('fails closed with reason unavailable', async () => {
    const limiter = createLimiter({ redis: null, keyPrefix: 'unit' });
    const decision = await limiter.check(req('closed'));
    expect(decision.reason).toBe('unavailable');
    expect(decision.retryAfterSeconds).toBe(1);
    expect(limiter.metricsText()).toContain(
      'portico_limiter_unavailable_total{policy="closed",cause="no_connection"} 1',
    );
  });

  it('keeps separate local state per plan for the same subject', async () => {
    const limiter = createLimiter({ redis: null, keyPrefix: 'unit', now: () => 0 });
    const a = { ...req('open'), rateLimit: { requests: 1, per: 'hour' as const } };
    const b = { ...a, planId: 'pln_2' };
    expect((await limiter.check(a)).allowed).toBe(true);
    expect((await limiter.check(b)).allowed).toBe(true);
    expect((await limiter.check(a)).allowed).toBe(false);
    expect((await limiter.check(b)).allowed).toBe(false);
  });

  it('bounds local state by maxLocalEntries however many subjects call', async () => {
    const limiter = createLimiter({ redis: null, keyPrefix: 'unit', maxLocalEntries: 64 });
    for (let i = 0; i < 10_000; i++) await limiter.check(req('open', `ip:192.0.2.${i}`));
    expect(limiter.metricsText()).toContain('portico_limiter_local_subjects 64\n');
    expect(limiter.metricsText()).toContain('portico_limiter_key_cache_entries 64\n');
  });

  it('renders every counter as Prometheus text', () => {
    const text = createLimiter({ redis: null, keyPrefix: 'unit' }).metricsText();
    expect(text).toContain('# TYPE portico_limiter_decisions_total counter\n');
    expect(text).toContain('# TYPE portico_limiter_unavailable_total counter\n');
    expect(text).toContain('# TYPE portico_limiter_local_subjects gauge\n');
    expect(text).toContain('# TYPE portico_limiter_circuit_open gauge\n');
    expect(text).toContain('# TYPE portico_limiter_redis_wait_ms histogram\n');
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.trimEnd().split('\n')) {
      expect(line).toMatch(
        /^(# (HELP|TYPE) .+|portico_limiter_[a-z_]+(\{[a-z]+="[A-Za-z0-9_+]+"(,[a-z]+="[A-Za-z0-9_+]+")*\})? \d+)$/,
      );
    }
  });

  it('refuses options that would break keys or the budget, naming the option', () => {
    expect(() => createLimiter({ redis: null, keyPrefix: 'a}b' })).toThrow(
      'keyPrefix must be 1-100 characters without braces or spaces',
    );
    expect(() => createLimiter({ redis: null, keyPrefix: '' })).toThrow('keyPrefix');
    expect(() => createLimiter({ redis: null, keyPrefix: 'p', budgetMs: 0 })).toThrow(
      'createLimiter: budgetMs must be an integer from 1 to 60000, got 0',
    );
    expect(() => createLimiter({ redis: null, keyPrefix: 'p', budgetMs: 2.5 })).toThrow('budgetMs');
    expect(() => createLimiter({ redis: null, keyPrefix: 'p', maxLocalEntries: -1 })).toThrow(
      'maxLocalEntries',
    );
    expect(() =>
      createLimiter({ redis: null, keyPrefix: 'p', circuitCooldownMs: Number.NaN }),
    ).toThrow('circuitCooldownMs');
  });
});

describe('submit without Redis', () => {
  class Recorder implements LimitWaiter {
    readonly decisions: LimitDecision[] = [];
    onLimitDecision(decision: LimitDecision): void {
      this.decisions.push(decision);
    }
  }

  it('answers plans without limits inside submit, with the shared empty decision', () => {
    const limiter = createLimiter({ redis: null, keyPrefix: 'unit' });
    const first = new Recorder();
    const second = new Recorder();
    const unlimited = { ...req('closed'), rateLimit: null, quota: null };
    limiter.submit(unlimited, first);
    limiter.submit(unlimited, second);
    expect(first.decisions).toEqual([
      { allowed: true, reason: null, headers: {}, retryAfterSeconds: null, detail: null },
    ]);
    // One frozen object for every such request: nothing is allocated for them.
    expect(second.decisions[0]).toBe(first.decisions[0]);
    expect(Object.isFrozen(first.decisions[0])).toBe(true);
  });

  it('answers fallback decisions inside submit, exactly once per check', () => {
    const limiter = createLimiter({ redis: null, keyPrefix: 'unit', now: () => 0 });
    const waiters = Array.from({ length: 4 }, () => new Recorder());
    for (const w of waiters) limiter.submit(req('open'), w);
    expect(waiters.map((w) => w.decisions.map((d) => d.allowed))).toEqual([
      [true],
      [true],
      [true],
      [false],
    ]);
  });

  it('counts a throwing waiter and never throws from submit', () => {
    const limiter = createLimiter({ redis: null, keyPrefix: 'unit' });
    let calls = 0;
    const throwing: LimitWaiter = {
      onLimitDecision() {
        calls += 1;
        throw new Error('the caller failed');
      },
    };
    expect(() => limiter.submit(req('closed'), throwing)).not.toThrow();
    expect(() =>
      limiter.submit({ ...req('closed'), rateLimit: null, quota: null }, throwing),
    ).not.toThrow();
    expect(calls).toBe(2);
    expect(limiter.metricsText()).toContain('portico_limiter_waiter_errors_total 2\n');
  });

  it('resolves check through the same path', async () => {
    const limiter = createLimiter({ redis: null, keyPrefix: 'unit' });
    await expect(limiter.check(req('closed'))).resolves.toMatchObject({ reason: 'unavailable' });
  });

  it('refuses a batch size outside 1..4096, naming the option', () => {
    expect(() => createLimiter({ redis: null, keyPrefix: 'p', maxBatchSize: 0 })).toThrow(
      'createLimiter: maxBatchSize must be an integer from 1 to 4096, got 0',
    );
  });
});
