import { describe, expect, it } from 'vitest';
import { quotaPeriodAt } from './quota-period.js';
import { checkMany, limitChecks, manualClock, useSharedRedis } from './testing/limiter-suite.js';

const { redis, prefix, newLimiter } = useSharedRedis();
const limitCheck = limitChecks('pln_test', 'con_test');

describe('a request denied by one limit consumes nothing from the other', () => {
  it('requests refused by the rate limit use no quota', async () => {
    const keyPrefix = prefix();
    const limiter = newLimiter({ keyPrefix });
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
    const limiter = newLimiter({ keyPrefix });
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

describe('calendar quotas (UTC)', () => {
  it('resets a monthly quota at midnight UTC on the first of the next month', async () => {
    const clock = manualClock(Date.parse('2026-11-30T23:59:59.999Z'));
    const limiter = newLimiter({ now: clock.now });
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
    const limiter = newLimiter({ now: clock.now });
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
    const limiter = newLimiter({ now: clock.now });
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
    const limiter = newLimiter({ now: clock.now });
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
    const limiter = newLimiter({ now: () => Date.parse('2026-11-22T10:00:00Z') });
    const daily = limitCheck({ quota: { requests: 1, per: 'day' } });
    expect((await limiter.check(daily)).allowed).toBe(true);
    expect((await limiter.check(daily)).reason).toBe('quota');
    const monthly = await limiter.check(limitCheck({ quota: { requests: 1, per: 'month' } }));
    expect(monthly.allowed).toBe(true);
    expect(monthly.headers['RateLimit-Policy']).toBe('"quota";q=1;w=2592000');
  });

  it("does not lock a subject out when its plan's rate limit is lowered", async () => {
    const limiter = newLimiter({ now: () => Date.UTC(2026, 0, 1) });
    expect(
      (await limiter.check(limitCheck({ rateLimit: { requests: 1_000_000, per: 'second' } })))
        .allowed,
    ).toBe(true);
    // The stored TAT is 1 microsecond ahead; under 1/second that must not read as a second or more.
    const lowered = await limiter.check(limitCheck({ rateLimit: { requests: 1, per: 'second' } }));
    expect(lowered.allowed).toBe(true);
  });
});
