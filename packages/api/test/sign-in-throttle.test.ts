import { describe, expect, it } from 'vitest';
import {
  SignInThrottle,
  SignInThrottledError,
  signInRetryAfterSeconds,
} from '../src/services/auth/sign-in-throttle';

const MINUTE = 60_000;
const START = Date.parse('2026-01-01T00:00:00Z');

/** A clock the test moves by hand. */
function clock() {
  let at = START;
  return {
    now: () => new Date(at),
    advance: (ms: number) => {
      at += ms;
    },
  };
}

/** Seconds to wait when `begin` is refused; null when it is allowed (the attempt is then abandoned). */
function refusal(throttle: SignInThrottle, email: string, ip: string, now: Date): number | null {
  try {
    throttle.begin(email, ip, now).abandoned();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(SignInThrottledError);
    expect((error as SignInThrottledError).code).toBe('CTL_RATE_LIMITED');
    return signInRetryAfterSeconds(error);
  }
}

function fail(throttle: SignInThrottle, email: string, ip: string, now: Date): void {
  throttle.begin(email, ip, now).failed(now);
}

describe('SignInThrottle', () => {
  it('allows 5 failures for an email, then refuses for 1 minute with the seconds to wait', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 4; i++) fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBeNull();
    fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBe(60);
    // Another address does not help: the email is locked.
    expect(refusal(throttle, 'a@example.test', '10.0.0.2', t.now())).toBe(60);
    // Another email from the same address is unaffected.
    expect(refusal(throttle, 'b@example.test', '10.0.0.1', t.now())).toBeNull();
    t.advance(20_000);
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBe(40);
    t.advance(40_000);
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBeNull();
  });

  it('the message says when to retry', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    expect(() => throttle.begin('a@example.test', '10.0.0.1', t.now())).toThrow(
      /try again in 60 seconds/,
    );
  });

  it('keys emails case-insensitively', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) fail(throttle, 'A@Example.test', `10.0.0.${i}`, t.now());
    expect(refusal(throttle, ' a@example.TEST ', '10.0.1.1', t.now())).toBe(60);
  });

  it('doubles the lock with each further failure (1, 2, 4, 8 minutes) up to 15 minutes', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    const locks: (number | null)[] = [refusal(throttle, 'a@example.test', '10.0.0.1', t.now())];
    for (let i = 0; i < 5; i++) {
      const wait = locks.at(-1) ?? 0;
      t.advance(wait * 1000);
      fail(throttle, 'a@example.test', '10.0.0.1', t.now());
      locks.push(refusal(throttle, 'a@example.test', '10.0.0.1', t.now()));
    }
    expect(locks).toEqual([60, 120, 240, 480, 900, 900]);
  });

  it('forgets a key 15 minutes after its last failure', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 4; i++) fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    t.advance(15 * MINUTE);
    // The earlier four no longer count: four more failures still do not lock.
    for (let i = 0; i < 4; i++) fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBeNull();
    fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBe(60);
  });

  it('a success resets the email counter', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 4; i++) fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    throttle.begin('a@example.test', '10.0.0.1', t.now()).succeeded();
    for (let i = 0; i < 4; i++) fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBeNull();
  });

  it('a success after a lock ran out restarts the count from zero', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    t.advance(MINUTE);
    throttle.begin('a@example.test', '10.0.0.1', t.now()).succeeded();
    fail(throttle, 'a@example.test', '10.0.0.1', t.now());
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBeNull();
  });

  it('locks a client IP after 20 failures across different emails; a success does not reset it', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 19; i++) fail(throttle, `user${i}@example.test`, '10.0.0.9', t.now());
    throttle.begin('valid@example.test', '10.0.0.9', t.now()).succeeded();
    expect(refusal(throttle, 'fresh@example.test', '10.0.0.9', t.now())).toBeNull();
    fail(throttle, 'user19@example.test', '10.0.0.9', t.now());
    expect(refusal(throttle, 'fresh@example.test', '10.0.0.9', t.now())).toBe(60);
    expect(refusal(throttle, 'fresh@example.test', '10.0.0.10', t.now())).toBeNull();
  });

  it('counts attempts still being checked, so parallel guesses cannot exceed the limit', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    const inFlight = Array.from({ length: 5 }, () =>
      throttle.begin('a@example.test', '10.0.0.1', t.now()),
    );
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBe(1);
    for (const attempt of inFlight) attempt.failed(t.now());
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBe(60);
  });

  it('an abandoned attempt (e.g. the database failed) is not counted', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    for (let i = 0; i < 10; i++) throttle.begin('a@example.test', '10.0.0.1', t.now()).abandoned();
    expect(throttle.trackedKeys).toBe(0);
  });

  it('reporting an attempt twice counts it once', () => {
    const t = clock();
    const throttle = new SignInThrottle();
    const attempt = throttle.begin('a@example.test', '10.0.0.1', t.now());
    for (let i = 0; i < 5; i++) attempt.failed(t.now());
    expect(refusal(throttle, 'a@example.test', '10.0.0.1', t.now())).toBeNull();
  });

  it('holds at most maxTrackedKeys per table, evicting the least recently failed key', () => {
    const t = clock();
    const throttle = new SignInThrottle({ maxTrackedKeys: 100 });
    for (let i = 0; i < 5; i++) fail(throttle, 'victim@example.test', '10.0.0.1', t.now());
    expect(refusal(throttle, 'victim@example.test', '10.0.0.1', t.now())).toBe(60);
    for (let i = 0; i < 10_000; i++)
      fail(throttle, `spray${i}@example.test`, `10.${i >> 8}.${i & 255}.1`, t.now());
    expect(throttle.trackedKeys).toBe(200);
    // The oldest entry was evicted to stay within the bound.
    expect(refusal(throttle, 'victim@example.test', '10.0.0.99', t.now())).toBeNull();
  });
});
