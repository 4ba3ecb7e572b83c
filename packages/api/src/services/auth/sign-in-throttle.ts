import { PorticoError } from '../shared/domain-errors';
/**
 * Brute-force protection for password sign-in, kept in memory.
 *
 * Failures are counted per normalised email and, separately, per client IP. Once a key has
 * `maxFailures` failures (5 per email, 20 per IP) it is locked for 1 minute; each further failure
 * after a lock doubles the lock (2, 4, 8 … minutes, capped at 15). A locked key is refused before
 * the account is looked up or the password hashed, so guessing also stops costing Argon2 time.
 * A key is forgotten once `windowMs` (15 minutes) pass without a failure after its last failure
 * or the end of its lock, whichever is later; a successful sign-in
 * forgets the email's failures (not the IP's: one valid account must not reset an IP that is
 * guessing at others).
 *
 * The state is per control-plane process: with N replicas behind a load balancer each keeps its
 * own counters, so an attacker spreading requests over replicas gets up to N times the attempts
 * before a lock. That is acceptable here because the point is to turn unlimited online guessing
 * into a few guesses per quarter hour (still a few times that with a handful of replicas, against
 * Argon2id-hashed passwords of at least 10 characters), and keeping it in memory needs no
 * database schema or Redis and cannot fail open when either is slow. Restarting a process
 * forgets its counters too.
 *
 * Memory is bounded: each of the two tables holds at most `maxTrackedKeys` keys; the least
 * recently failed key is evicted first. Separate tables mean a flood of IPs cannot evict email
 * locks. An attacker who sprays more distinct emails than the cap can evict older email locks,
 * but each IP is still limited to 20 failures before its own lock.
 */
export interface SignInThrottleOptions {
  /** Failures per email before a lock (default 5). */
  maxFailuresPerEmail?: number;
  /** Failures per client IP before a lock (default 20). */
  maxFailuresPerIp?: number;
  /** A key is forgotten this long after its last failure or lock end (default 15 minutes). */
  windowMs?: number;
  /** First lock; doubles with each further failure (default 1 minute). */
  baseLockMs?: number;
  /** Longest lock (default 15 minutes). */
  maxLockMs?: number;
  /** Keys kept per table (emails, IPs) before the oldest is evicted (default 10 000). */
  maxTrackedKeys?: number;
}

const MINUTE_MS = 60_000;

/** A CTL_RATE_LIMITED sign-in refusal; the HTTP layer turns its seconds into Retry-After. */
export class SignInThrottledError extends PorticoError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'CTL_RATE_LIMITED',
      `too many failed sign-ins for this email or from this address; try again in ${retryAfterSeconds} seconds`,
    );
    this.name = 'SignInThrottledError';
  }
}

/**
 * Seconds after which a refused sign-in may be retried, when `error` is such a refusal (or the
 * transport error it was mapped to at the boundary, which keeps it as its cause).
 */
export function signInRetryAfterSeconds(error: unknown): number | null {
  if (error instanceof SignInThrottledError) return error.retryAfterSeconds;
  if (error instanceof Error && error.cause instanceof SignInThrottledError)
    return error.cause.retryAfterSeconds;
  return null;
}

interface KeyState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
  /** Attempts checked but not yet finished: they count against the limit so a burst of parallel guesses is refused too. */
  inFlight: number;
}

/** One insertion-ordered table of keys, capped; touching a key moves it to the newest end. */
class KeyTable {
  private readonly states = new Map<string, KeyState>();

  constructor(
    private readonly maxKeys: number,
    private readonly windowMs: number,
  ) {}

  get size(): number {
    return this.states.size;
  }

  /** The live state of `key`, or null when it has none or it expired. */
  peek(key: string, now: number): KeyState | null {
    const state = this.states.get(key);
    if (!state) return null;
    // Measured from the end of the lock, so a lock as long as the window does not wipe the count.
    const quietSince = Math.max(state.lastFailureAt, state.lockedUntil);
    if (state.inFlight === 0 && state.failures > 0 && now - quietSince >= this.windowMs) {
      this.states.delete(key);
      return null;
    }
    return state;
  }

  /** The state of `key`, created (evicting the oldest key when full) and moved to the newest end. */
  touch(key: string, now: number): KeyState {
    const state = this.peek(key, now) ?? {
      failures: 0,
      lastFailureAt: now,
      lockedUntil: 0,
      inFlight: 0,
    };
    this.states.delete(key);
    if (this.states.size >= this.maxKeys) {
      const oldest = this.states.keys().next();
      if (!oldest.done) this.states.delete(oldest.value);
    }
    this.states.set(key, state);
    return state;
  }

  /** Drops `key` when `state` is still its entry and holds nothing worth remembering. */
  forgetIfIdle(key: string, state: KeyState): void {
    if (state.inFlight === 0 && state.failures === 0 && this.states.get(key) === state)
      this.states.delete(key);
  }
}

/** What `begin` hands back: report how the password check went exactly once. */
export interface SignInAttempt {
  /** The password was wrong (or the account unknown or disabled): counts towards a lock. */
  failed(now: Date): void;
  /** Signed in: the email's failures are forgotten. */
  succeeded(): void;
  /** The check did not finish for another reason (e.g. the database failed): not counted. */
  abandoned(): void;
}

export class SignInThrottle {
  private readonly maxFailuresPerEmail: number;
  private readonly maxFailuresPerIp: number;
  private readonly baseLockMs: number;
  private readonly maxLockMs: number;
  private readonly emails: KeyTable;
  private readonly ips: KeyTable;

  constructor(options: SignInThrottleOptions = {}) {
    this.maxFailuresPerEmail = options.maxFailuresPerEmail ?? 5;
    this.maxFailuresPerIp = options.maxFailuresPerIp ?? 20;
    this.baseLockMs = options.baseLockMs ?? MINUTE_MS;
    this.maxLockMs = options.maxLockMs ?? 15 * MINUTE_MS;
    const windowMs = options.windowMs ?? 15 * MINUTE_MS;
    const maxKeys = options.maxTrackedKeys ?? 10_000;
    this.emails = new KeyTable(maxKeys, windowMs);
    this.ips = new KeyTable(maxKeys, windowMs);
  }

  /** Keys currently held (emails + IPs); for tests and the memory bound. */
  get trackedKeys(): number {
    return this.emails.size + this.ips.size;
  }

  /**
   * Call before looking up the account. Throws a SignInThrottledError (CTL_RATE_LIMITED,
   * carrying the seconds to wait) when the email or the IP is locked.
   */
  begin(email: string, clientIp: string, now: Date): SignInAttempt {
    const at = now.getTime();
    const emailKey = normaliseEmail(email);
    const retryAfterMs = Math.max(
      this.waitMs(this.emails.peek(emailKey, at), this.maxFailuresPerEmail, at),
      this.waitMs(this.ips.peek(clientIp, at), this.maxFailuresPerIp, at),
    );
    if (retryAfterMs > 0) {
      const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      throw new SignInThrottledError(seconds);
    }
    const emailState = this.emails.touch(emailKey, at);
    const ipState = this.ips.touch(clientIp, at);
    emailState.inFlight += 1;
    ipState.inFlight += 1;
    let settled = false;
    const settle = (outcome: 'failed' | 'succeeded' | 'abandoned', when: number): void => {
      if (settled) return;
      settled = true;
      emailState.inFlight -= 1;
      ipState.inFlight -= 1;
      if (outcome === 'failed') {
        this.countFailure(this.emails, emailKey, this.maxFailuresPerEmail, when);
        this.countFailure(this.ips, clientIp, this.maxFailuresPerIp, when);
      } else if (outcome === 'succeeded') {
        emailState.failures = 0;
        emailState.lockedUntil = 0;
      }
      this.emails.forgetIfIdle(emailKey, emailState);
      this.ips.forgetIfIdle(clientIp, ipState);
    };
    return {
      failed: (when) => settle('failed', when.getTime()),
      succeeded: () => settle('succeeded', at),
      abandoned: () => settle('abandoned', at),
    };
  }

  /** Milliseconds until `state` may try again; 0 when it may now. */
  private waitMs(state: KeyState | null, maxFailures: number, at: number): number {
    if (!state) return 0;
    if (state.lockedUntil > at) return state.lockedUntil - at;
    // Attempts still being checked count, so parallel guesses cannot overshoot the limit (after a
    // lock has run out, one at a time); they finish within a second, hence the short wait.
    const parallelAllowed = state.failures >= maxFailures ? 1 : maxFailures - state.failures;
    return state.inFlight >= parallelAllowed ? 1000 : 0;
  }

  private countFailure(table: KeyTable, key: string, maxFailures: number, at: number): void {
    const state = table.touch(key, at);
    state.failures += 1;
    state.lastFailureAt = at;
    if (state.failures >= maxFailures) {
      const doublings = state.failures - maxFailures;
      // 2 ** 30 already exceeds any sensible cap; clamping the exponent keeps the number finite.
      const lockMs = Math.min(this.baseLockMs * 2 ** Math.min(doublings, 30), this.maxLockMs);
      state.lockedUntil = at + lockMs;
    }
  }
}

/** Emails arrive trimmed and lower-cased from ZEmail; normalised again so the key never depends on the caller. */
function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
