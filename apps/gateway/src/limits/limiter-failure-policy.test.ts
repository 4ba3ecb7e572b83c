import { describe, expect, it } from 'vitest';
import { LimiterFailurePolicy } from './limiter-failure-policy.js';
import { LimiterMetrics } from './limiter-metrics.js';
import { LimiterTransport } from './limiter-transport.js';
import type { LimitCheck } from './limiter-types.js';
import { SubjectKeyCache } from './subject-keys.js';

const NOW_MS = Date.UTC(2026, 4, 14, 12);
const settings = {
  openCircuitAfterFailures: 2,
  circuitCooldownMs: 1_000,
  maxLocalEntries: 16,
  injectedNow: () => NOW_MS,
};
const noRedis = new LimiterTransport(null, {
  cluster: false,
  maxBatchSize: 512,
  injectedNow: undefined,
});
const check = (over: Partial<LimitCheck>): LimitCheck => ({
  planId: 'pln_1',
  subject: 'con_1',
  rateLimit: null,
  quota: { requests: 4, per: 'day' },
  failurePolicy: 'open',
  ...over,
});

function setup(peers = 1) {
  const metrics = new LimiterMetrics();
  const policy = new LimiterFailurePolicy(settings, metrics, () => peers);
  const keys = new SubjectKeyCache('unit', 16, false).get('pln_1', 'con_1');
  return { metrics, policy, keys };
}

describe('LimiterFailurePolicy', () => {
  it('skips Redis when there is none, whatever the breaker or the load', () => {
    const { policy } = setup();
    expect(policy.skipCause(noRedis, false)).toBe('no_connection');
    expect(policy.skipCause(noRedis, true)).toBe('no_connection');
  });

  it('refuses a fail-closed check as unavailable and counts the cause', () => {
    const { metrics, policy, keys } = setup();
    const decision = policy.decide(check({ failurePolicy: 'closed' }), keys, 'timeout');
    expect(decision.reason).toBe('unavailable');
    expect(metrics.unavailableClosed.timeout).toBe(1);
    expect(policy.failOpen.hasPendingCharges).toBe(false);
  });

  it("admits a fail-open check up to this process's share and keeps the admissions to charge", () => {
    const { metrics, policy, keys } = setup(2);
    const req = check({});
    const allowed = Array.from({ length: 3 }, () => policy.decide(req, keys, 'error').allowed);
    // A quota of 4 shared by two live processes: 2 here.
    expect(allowed).toEqual([true, true, false]);
    expect(metrics.unavailableOpen.error).toBe(3);
    expect(metrics.localDecisions).toEqual([2, 0, 1]);
    expect(policy.failOpen.pendingCharges).toBe(2);
  });

  it('keeps the charges while Redis cannot take them', async () => {
    const { policy, keys } = setup();
    policy.decide(check({}), keys, 'no_connection');
    await policy.sendCharges(noRedis);
    expect(policy.failOpen.pendingCharges).toBe(1);
  });
});
