import { parseQuotaCounter, type Quota, quotaCounterKey, type RateLimit } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { createLimiter, type LimitDecision } from './index.js';
import { metric, scriptCalls } from './testing/limiter-observations.js';
import {
  busyTraffic,
  CORRECTNESS_BUDGET_MS,
  limitChecks,
  usePrivateRedis,
} from './testing/limiter-suite.js';
import { randomKeyPrefix } from './testing/redis-test-prefix.js';

// A private server, so its INFO commandstats count only this file's calls.
const env = usePrivateRedis();
const limitCheck = limitChecks('pln_lease', 'con_lease');

/** A limiter with leases of up to 64 on this file's Redis; `over` sets the lease period and clock. */
function leasingLimiter(keyPrefix: string, over: { leaseMs: number; now?: () => number }) {
  return createLimiter({
    redis: env.redis,
    keyPrefix,
    budgetMs: CORRECTNESS_BUDGET_MS,
    maxLease: 64,
    ...over,
  });
}

/** The quota count Redis holds for the test subject (0 when there is no counter). */
async function storedQuotaCount(keyPrefix: string, per: Quota['per']): Promise<number> {
  const raw = await env.admin.get(quotaCounterKey(keyPrefix, 'pln_lease', 'con_lease', per));
  return raw === null ? 0 : (parseQuotaCounter(raw)?.count ?? Number.NaN);
}

function remainingOf(decision: LimitDecision, policy: 'rate' | 'quota'): number {
  const match = new RegExp(`"${policy}";r=(\\d+)`).exec(decision.headers.RateLimit ?? '');
  if (match === null) throw new Error(`no ${policy} item in ${decision.headers.RateLimit}`);
  return Number(match[1]);
}

describe('leases', () => {
  it('serves a busy subject from leases with far fewer Redis calls, counting each admission once', async () => {
    const keyPrefix = randomKeyPrefix();
    const limiter = leasingLimiter(keyPrefix, { leaseMs: 10_000 });
    const quota: Quota = { requests: 1_000_000, per: 'day' };
    const rateLimit: RateLimit = { requests: 1_000_000, per: 'second' };
    const check = limitCheck({ quota, rateLimit });
    const callsBefore = await scriptCalls(env.admin);
    const decisions = await busyTraffic(() => limiter.check(check), 40, 25);
    const calls = (await scriptCalls(env.admin)) - callsBefore;
    expect(decisions.every((d) => d.allowed)).toBe(true);
    const metrics = limiter.metricsText();
    const fromLeases = metric(metrics, 'portico_limiter_lease_admissions_total');
    // 1000 checks; once the subject is known to be busy, whole turns come out of leases.
    expect(fromLeases).toBeGreaterThan(500);
    expect(calls).toBeLessThan(250);
    // What the headers say remains is Redis's count plus this lease's unused admissions: never
    // more than the quota minus the admissions before it, never below what is truly left minus
    // one lease, and counting down over the run.
    const quotaLeft = decisions.map((d) => remainingOf(d, 'quota'));
    quotaLeft.forEach((left, i) => {
      expect(left).toBeLessThanOrEqual(1_000_000 - 1 - i + 64);
      expect(left).toBeGreaterThanOrEqual(1_000_000 - 1000 - 64);
    });
    expect(quotaLeft[999]).toBeLessThan((quotaLeft[0] as number) - 900);
    // Closing gives the leftovers back: the counter is exactly the admissions.
    await limiter.close();
    expect(await storedQuotaCount(keyPrefix, 'day')).toBe(1000);
    const returned = metric(limiter.metricsText(), 'portico_limiter_lease_returned_total');
    const granted = metric(limiter.metricsText(), 'portico_limiter_lease_granted_total');
    expect(granted - returned).toBe(fromLeases);
  });

  it('never admits past a quota, and near it decides each request in Redis', async () => {
    const keyPrefix = randomKeyPrefix();
    const limiter = leasingLimiter(keyPrefix, { leaseMs: 10_000 });
    const quota: Quota = { requests: 500, per: 'month' };
    const check = limitCheck({ quota });
    const decisions = await busyTraffic(() => limiter.check(check), 30, 30);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(500);
    expect(decisions.filter((d) => d.reason === 'quota')).toHaveLength(400);
    // The last admissions were not leased ahead: nothing is left over to give back.
    await limiter.close();
    expect(await storedQuotaCount(keyPrefix, 'month')).toBe(500);
  });

  it('never admits past a rate limit in one burst, and denied checks consume nothing', async () => {
    const keyPrefix = randomKeyPrefix();
    const frozenAt = Date.now();
    const limiter = leasingLimiter(keyPrefix, { leaseMs: 10_000, now: () => frozenAt });
    const rateLimit: RateLimit = { requests: 300, per: 'hour' };
    const quota: Quota = { requests: 10_000, per: 'day' };
    const check = limitCheck({ rateLimit, quota });
    const decisions = await busyTraffic(() => limiter.check(check), 20, 30);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(300);
    expect(decisions.filter((d) => d.reason === 'rate_limit')).toHaveLength(300);
    await limiter.close();
    expect(await storedQuotaCount(keyPrefix, 'day')).toBe(300);
  });

  it('gives unused admissions back once the lease expires', async () => {
    const keyPrefix = randomKeyPrefix();
    const limiter = leasingLimiter(keyPrefix, { leaseMs: 50 });
    const quota: Quota = { requests: 1_000_000, per: 'day' };
    const check = limitCheck({ quota });
    const decisions = await busyTraffic(() => limiter.check(check), 6, 40);
    expect(decisions.every((d) => d.allowed)).toBe(true);
    const granted = metric(limiter.metricsText(), 'portico_limiter_lease_granted_total');
    expect(granted).toBeGreaterThan(0);
    // No more traffic: the sweep returns what the lease still holds, without a close.
    const deadline = performance.now() + 10_000;
    while ((await storedQuotaCount(keyPrefix, 'day')) !== decisions.length) {
      if (performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await storedQuotaCount(keyPrefix, 'day')).toBe(decisions.length);
    expect(metric(limiter.metricsText(), 'portico_limiter_leases')).toBe(0);
    await limiter.close();
  });

  it('does not lease for a subject seen less often than once per lease period', async () => {
    const keyPrefix = randomKeyPrefix();
    const limiter = leasingLimiter(keyPrefix, { leaseMs: 20 });
    const check = limitCheck({ quota: { requests: 1_000_000, per: 'day' } });
    const callsBefore = await scriptCalls(env.admin);
    for (let i = 0; i < 5; i++) {
      expect((await limiter.check(check)).allowed).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect((await scriptCalls(env.admin)) - callsBefore).toBe(5);
    expect(metric(limiter.metricsText(), 'portico_limiter_lease_granted_total')).toBe(0);
    await limiter.close();
    expect(await storedQuotaCount(keyPrefix, 'day')).toBe(5);
  });

  it("gives a lease back when the subject's plan limits change", async () => {
    const keyPrefix = randomKeyPrefix();
    const limiter = leasingLimiter(keyPrefix, { leaseMs: 10_000 });
    const before = limitCheck({ quota: { requests: 1_000_000, per: 'day' } });
    const first = await busyTraffic(() => limiter.check(before), 5, 30);
    expect(metric(limiter.metricsText(), 'portico_limiter_lease_granted_total')).toBeGreaterThan(0);
    // A new config: same plan, a new limit object. The old lease must not serve it.
    const after = limitCheck({ quota: { requests: 151, per: 'day' } });
    const second = await busyTraffic(() => limiter.check(after), 2, 30);
    const admitted = [...first, ...second].filter((d) => d.allowed).length;
    // 150 counted before the change leave one admission under the new quota of 151.
    expect(first.every((d) => d.allowed)).toBe(true);
    expect(admitted).toBe(151);
    await limiter.close();
    expect(await storedQuotaCount(keyPrefix, 'day')).toBe(151);
  });
});
