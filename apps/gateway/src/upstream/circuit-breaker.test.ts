import { ZCircuitBreaker } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';
import { RetryBudget } from './retry-budget';

describe('CircuitBreaker', () => {
  const settings = ZCircuitBreaker.parse({
    enabled: true,
    failureRatePercent: 50,
    minimumRequests: 10,
    windowMs: 1000,
    openMs: 500,
    halfOpenProbes: 2,
  });

  /** A breaker on a clock the test moves, after `failures` failed requests at time 0. */
  function failedBreaker(failures: number): { breaker: CircuitBreaker; clock: { now: number } } {
    const clock = { now: 0 };
    const breaker = new CircuitBreaker(settings, () => clock.now);
    for (let i = 0; i < failures; i++) breaker.record(false);
    return { breaker, clock };
  }

  it('stays closed below minimumRequests, opens at the failure rate, probes, then closes', () => {
    const { breaker, clock } = failedBreaker(9);
    expect(breaker.state).toBe('closed'); // 9 < minimumRequests
    breaker.record(false);
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
    clock.now = 501;
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false); // only halfOpenProbes at once
    breaker.record(true);
    expect(breaker.state).toBe('half-open');
    breaker.record(true);
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
  });

  it('re-opens when a half-open probe fails', () => {
    const { breaker, clock } = failedBreaker(10);
    clock.now = 600;
    expect(breaker.allow()).toBe(true);
    breaker.record(false);
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
  });

  it('forgets failures older than the window', () => {
    const { breaker, clock } = failedBreaker(9);
    clock.now = 2000;
    breaker.record(false);
    expect(breaker.state).toBe('closed');
  });

  it('stays closed when failures are under the rate', () => {
    const breaker = new CircuitBreaker(settings, () => 0);
    for (let i = 0; i < 100; i++) breaker.record(i % 3 !== 0);
    expect(breaker.state).toBe('closed');
  });
});

describe('RetryBudget', () => {
  it('allows retries up to the percentage of requests plus a small floor, never more', () => {
    const now = 0;
    const budget = new RetryBudget(20, () => now);
    for (let i = 0; i < 1000; i++) budget.deposit();
    let retries = 0;
    for (let i = 0; i < 1000; i++) if (budget.tryWithdraw()) retries++;
    // 20% of 1000 (capped at 100 saved) + the floor of 3, in an outage where every request fails.
    expect(retries).toBe(103);
  });

  it('refills the floor over time so a quiet service can still retry', () => {
    let now = 0;
    const budget = new RetryBudget(0, () => now);
    let retries = 0;
    for (let i = 0; i < 10; i++) if (budget.tryWithdraw()) retries++;
    expect(retries).toBe(3);
    now = 1000;
    expect(budget.tryWithdraw()).toBe(true);
  });
});
