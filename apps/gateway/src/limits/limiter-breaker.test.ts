import { describe, expect, it } from 'vitest';
import { RedisBreaker } from './limiter-breaker.js';

describe('RedisBreaker', () => {
  it('stays closed below the threshold and forgets failures once a call is answered', () => {
    const breaker = new RedisBreaker(3, 1_000);
    breaker.failed();
    breaker.failed();
    expect(breaker.mayBeOpen).toBe(false);
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.mayBeOpen).toBe(false);
    expect(breaker.isOpen(performance.now())).toBe(false);
    expect(breaker.opened).toBe(0);
  });

  it('opens at the threshold for the cooldown, then lets calls through again (half-open)', () => {
    const breaker = new RedisBreaker(2, 1_000);
    const before = performance.now();
    breaker.failed();
    breaker.failed();
    const after = performance.now();
    expect(breaker.opened).toBe(1);
    expect(breaker.mayBeOpen).toBe(true);
    expect(breaker.isOpen(after)).toBe(true);
    expect(breaker.openGauge(after)).toBe(1);
    // Open until failure time + cooldown, never past it.
    expect(breaker.isOpen(before + 999)).toBe(true);
    expect(breaker.isOpen(after + 1_000)).toBe(false);
    // Found past its cooldown: no clock read is needed until it opens again.
    expect(breaker.mayBeOpen).toBe(false);
    expect(breaker.openGauge(after + 1_000)).toBe(0);
  });

  it('reopens on the first failure after the cooldown, without counting to the threshold again', () => {
    const breaker = new RedisBreaker(5, 1_000);
    for (let i = 0; i < 5; i++) breaker.failed();
    expect(breaker.isOpen(performance.now() + 1_000)).toBe(false);
    breaker.failed();
    expect(breaker.opened).toBe(2);
    expect(breaker.isOpen(performance.now())).toBe(true);
  });

  it('needs the whole threshold again once a half-open call is answered', () => {
    const breaker = new RedisBreaker(3, 1_000);
    for (let i = 0; i < 3; i++) breaker.failed();
    expect(breaker.isOpen(performance.now() + 1_000)).toBe(false);
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.mayBeOpen).toBe(false);
    expect(breaker.opened).toBe(1);
  });
});
