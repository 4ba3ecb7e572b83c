import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';
import { LocalLimiter } from './local-limiter.js';
import { quotaPeriodAt } from './quota-period.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');

describe('LocalLimiter (fail-open stand-in)', () => {
  it('admits a burst of the limit, then one request per emission interval', () => {
    const local = new LocalLimiter(100);
    const rate = { requests: 7, per: 'second' as const };
    const burst = Array.from({ length: 8 }, () => local.check('k', rate, null, T0).allowed);
    expect(burst).toEqual([true, true, true, true, true, true, true, false]);
    expect(local.check('k', rate, null, T0 + 142).allowed).toBe(false);
    expect(local.check('k', rate, null, T0 + 143).allowed).toBe(true);
    expect(local.check('k', rate, null, T0 + 143).allowed).toBe(false);
  });

  it('reports the wait until the next admission on denial', () => {
    const local = new LocalLimiter(100);
    const rate = { requests: 2, per: 'minute' as const };
    local.check('k', rate, null, T0);
    local.check('k', rate, null, T0);
    const denied = local.check('k', rate, null, T0 + 10_000);
    expect(denied.reasonCode).toBe(1);
    expect(denied.retryAfterMs).toBe(20_000);
  });

  it('counts the quota per calendar period and consumes no quota on a rate denial', () => {
    const local = new LocalLimiter(100);
    const rate = { requests: 1, per: 'hour' as const };
    const quota = { requests: 2, per: 'day' as const };
    expect(local.check('k', rate, quota, T0).allowed).toBe(true);
    const rateDenied = local.check('k', rate, quota, T0 + 1);
    expect(rateDenied.reasonCode).toBe(1);
    expect(rateDenied.quotaRemaining).toBe(1);
    expect(local.check('k', rate, quota, T0 + 3_600_000).allowed).toBe(true);
    const quotaDenied = local.check('k', rate, quota, T0 + 7_200_000);
    expect(quotaDenied.reasonCode).toBe(2);
    expect(quotaDenied.retryAfterMs).toBe(quotaPeriodAt(T0, 'day').endMs - (T0 + 7_200_000));
    // A quota denial leaves the rate limit untouched: a full hour's single request is still there.
    expect(quotaDenied.rateRemaining).toBe(1);
    expect(local.check('k', rate, quota, quotaPeriodAt(T0, 'day').endMs).allowed).toBe(true);
  });

  it('never tracks more subjects than its bound', () => {
    const local = new LocalLimiter(1_000);
    for (let i = 0; i < 50_000; i++)
      local.check(`subject-${i}`, { requests: 1, per: 'second' }, null, T0);
    expect(local.size).toBe(1_000);
  });
});

describe('BoundedMap', () => {
  it('drops the oldest insertion when full and keeps updates in place', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    map.set('c', 4);
    expect(map.size).toBe(2);
    expect(map.get('a')).toBeUndefined();
    expect(map.get('b')).toBe(2);
    expect(map.get('c')).toBe(4);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow('maxEntries must be a positive integer, got 0');
  });
});
