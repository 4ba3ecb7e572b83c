import { describe, expect, it } from 'vitest';
import { checkMany, limitChecks, manualClock, useSharedRedis } from './testing/limiter-suite.js';

const { newLimiter } = useSharedRedis();
const limitCheck = limitChecks('pln_test', 'con_test');

describe('GCRA across window boundaries (injected clock)', () => {
  it('refills one request per emission interval instead of resetting at a fixed window edge', async () => {
    // 100 ms before a minute boundary, where a fixed window would hand out a fresh 10.
    const t0 = Date.UTC(2026, 10, 22, 12, 0, 59, 900);
    const clock = manualClock(t0);
    const limiter = newLimiter({ now: clock.now });
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
    const limiter = newLimiter({ now: clock.now });
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
    const limiter = newLimiter({ now: () => Date.UTC(2026, 0, 1) });
    const req = limitCheck({ rateLimit: { requests: 300, per: 'second' } });
    const burst = await checkMany(() => limiter.check(req), 301);
    expect(burst.filter((d) => d.allowed)).toHaveLength(300);
  });
});

describe('GCRA on Redis TIME', () => {
  it('refills a per-second limit after about one emission interval', async () => {
    const limiter = newLimiter();
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
