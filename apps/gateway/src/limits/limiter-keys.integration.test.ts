import { parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { quotaPeriodAt } from './quota-period.js';
import { checkMany, limitChecks, useSharedRedis } from './testing/limiter-suite.js';

const { redis, prefix, newLimiter } = useSharedRedis();
const limitCheck = limitChecks('pln_test', 'con_test');

describe('Redis keys', () => {
  it('puts the rate and quota keys of one subject under one hash tag, with expiries', async () => {
    const keyPrefix = prefix();
    const limiter = newLimiter({ keyPrefix });
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
    const limiter = newLimiter({ keyPrefix });
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
    const limiter = newLimiter();
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
    const limiter = newLimiter({ keyPrefix, now: () => nowMs });
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
