import {
  leasedAdmissionsKey,
  parseQuotaCounter,
  type Quota,
  quotaCounterKey,
} from '@portico/config';
import { afterEach, describe, expect, it } from 'vitest';
import { createLimiter, type Limiter } from './index.js';
import { metric } from './testing/limiter-observations.js';
import {
  busyTraffic,
  CORRECTNESS_BUDGET_MS,
  limitChecks,
  usePrivateRedis,
} from './testing/limiter-suite.js';
import { randomKeyPrefix } from './testing/redis-test-prefix.js';

/**
 * A lease's admissions count against the quota as soon as Redis grants them, so the process that
 * holds them may give some back unused after another process's request found the quota spent.
 * Refusing that request would end the quota below what it allows: it must wait for the lease to
 * be settled, and be admitted with what comes back.
 */
const env = usePrivateRedis();
const limitCheck = limitChecks('pln_settle', 'con_settle');
const limiters: Limiter[] = [];

afterEach(async () => {
  for (const limiter of limiters.splice(0)) await limiter.close();
});

function limiter(
  keyPrefix: string,
  over: { maxLease: number; leaseMs?: number; maxWaitMs?: number },
) {
  const made = createLimiter({
    redis: env.redis,
    keyPrefix,
    budgetMs: CORRECTNESS_BUDGET_MS,
    leaseMs: 300,
    ...over,
  });
  limiters.push(made);
  return made;
}

async function storedQuotaCount(keyPrefix: string, per: Quota['per']): Promise<number> {
  const raw = await env.admin.get(quotaCounterKey(keyPrefix, 'pln_settle', 'con_settle', per));
  return raw === null ? 0 : (parseQuotaCounter(raw)?.count ?? Number.NaN);
}

describe('leases at the end of a quota', () => {
  it('a check at a spent quota waits for a lease another process ends unused, so the quota is served exactly', async () => {
    const keyPrefix = randomKeyPrefix();
    const check = limitCheck({ quota: { requests: 2_000, per: 'day' } });
    // The holder's busy traffic earns it a lease, and it stops with admissions left in it.
    const holder = limiter(keyPrefix, { maxLease: 64 });
    const first = await busyTraffic(() => holder.check(check), 20, 50);
    expect(first.every((d) => d.allowed)).toBe(true);
    const text = holder.metricsText();
    const held =
      metric(text, 'portico_limiter_lease_granted_total') -
      metric(text, 'portico_limiter_lease_admissions_total') -
      metric(text, 'portico_limiter_lease_returned_total');
    expect(held, 'admissions left in the holder lease').toBeGreaterThan(0);

    // Another process (no leases of its own) takes the rest, and more.
    const other = limiter(keyPrefix, { maxLease: 1 });
    const rest = await busyTraffic(() => other.check(check), 110, 10);
    expect(rest.filter((d) => d.allowed)).toHaveLength(1_000);
    expect(rest.filter((d) => d.reason === 'quota')).toHaveLength(100);
    expect(metric(other.metricsText(), 'portico_limiter_lease_settle_waits_total')).toBeGreaterThan(
      0,
    );
    expect(await storedQuotaCount(keyPrefix, 'day')).toBe(2_000);
    // Everything out on lease was settled.
    expect(await env.admin.exists(leasedAdmissionsKey(keyPrefix, 'pln_settle', 'con_settle'))).toBe(
      0,
    );
  }, 60_000);

  it('refuses on the quota after the settle wait when the holder never settles (a process that died)', async () => {
    const keyPrefix = randomKeyPrefix();
    const check = limitCheck({ quota: { requests: 5, per: 'day' } });
    const solo = limiter(keyPrefix, { maxLease: 1, leaseMs: 100, maxWaitMs: 200 });
    for (let i = 0; i < 5; i++) expect((await solo.check(check)).allowed).toBe(true);
    // What a gateway process that died holding a lease leaves behind.
    await env.admin.set(
      leasedAdmissionsKey(keyPrefix, 'pln_settle', 'con_settle'),
      '3',
      'PX',
      60_000,
    );
    const started = performance.now();
    const refused = await solo.check(check);
    const waited = performance.now() - started;
    expect(refused.allowed).toBe(false);
    expect(refused.reason).toBe('quota');
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    // 2 × leaseMs + maxWaitMs + 3 s of slack, polled: neither at once nor much longer.
    expect(waited).toBeGreaterThanOrEqual(3_380);
    expect(waited).toBeLessThan(8_000);
    expect(await storedQuotaCount(keyPrefix, 'day')).toBe(5);
  }, 30_000);
});
