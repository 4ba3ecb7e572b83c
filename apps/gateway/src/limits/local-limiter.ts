import type { Quota, RateLimit } from '@portico/config';
import { BoundedMap } from './bounded-map.js';
import type { LimitOutcome } from './limiter-types.js';
import { quotaPeriodAt } from './quota-period.js';
import { ratePeriodMs } from './rate-limit-headers.js';

/** floor(a / b) for non-negative integers below 2^53, corrected for rounding of the division. */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

function ceilDiv(a: number, b: number): number {
  const q = floorDiv(a, b);
  return q * b < a ? q + 1 : q;
}

interface LocalState {
  /**
   * GCRA theoretical arrival time as whole ms plus a fraction in units of 1/requests ms: the
   * same exact integer scheme as the Lua script, so float rounding never admits or drops one.
   */
  tatBaseMs: number;
  tatFraction: number;
  quotaPeriodId: number;
  quotaUsed: number;
}

/**
 * The in-process stand-in used while Redis cannot answer and a plan fails open. Same GCRA and
 * calendar quota as the Lua script, but per process and starting from zero, so it is an
 * approximation: with N gateway processes a subject may get up to N times its limit, and quota
 * already used in Redis is not known. Its purpose is to keep one runaway client from getting
 * unlimited traffic through during an outage. State is bounded by `maxEntries` subjects.
 */
export class LocalLimiter {
  readonly #states: BoundedMap<string, LocalState>;

  constructor(maxEntries: number) {
    this.#states = new BoundedMap(maxEntries);
  }

  get size(): number {
    return this.#states.size;
  }

  get maxEntries(): number {
    return this.#states.maxEntries;
  }

  /** Evaluates and, when admitted, counts one request for `stateKey` (unique per plan and subject). */
  check(
    stateKey: string,
    rateLimit: RateLimit | null,
    quota: Quota | null,
    nowMs: number,
  ): LimitOutcome {
    let state = this.#states.get(stateKey);
    if (state === undefined) {
      state = { tatBaseMs: 0, tatFraction: 0, quotaPeriodId: -1, quotaUsed: 0 };
      this.#states.set(stateKey, state);
    }
    const outcome: LimitOutcome = {
      allowed: true,
      reasonCode: 0,
      rateRemaining: 0,
      rateResetMs: 0,
      quotaRemaining: 0,
      quotaResetMs: 0,
      retryAfterMs: 0,
      quotaWindowMs: 0,
      nowMs,
    };

    let used = 0;
    let quotaDenied = false;
    let quotaEndMs = 0;
    let quotaPeriodId = -1;
    if (quota !== null) {
      const period = quotaPeriodAt(nowMs, quota.per);
      quotaPeriodId = period.id;
      quotaEndMs = period.endMs;
      outcome.quotaWindowMs = period.endMs - period.startMs;
      outcome.quotaResetMs = period.endMs - nowMs;
      used = state.quotaPeriodId === period.id ? state.quotaUsed : 0;
      quotaDenied = used + 1 > quota.requests;
    }

    // Rate state in units of 1/requests ms: one emission interval is `periodMs` units and the
    // burst capacity `periodMs * requests` units, all exact integers below 2^53.
    let rateDenied = false;
    let offset = 0;
    let newOffset = 0;
    let periodMs = 0;
    let requests = 0;
    if (rateLimit !== null) {
      periodMs = ratePeriodMs(rateLimit.per);
      requests = rateLimit.requests;
      const capacity = periodMs * requests;
      if (state.tatBaseMs >= nowMs) {
        // As in the script: a fraction from a since-changed limit is clamped (error < 1 ms).
        const fraction = Math.min(state.tatFraction, requests - 1);
        offset = Math.min((state.tatBaseMs - nowMs) * requests + fraction, capacity);
      }
      newOffset = offset + periodMs;
      rateDenied = newOffset > capacity;
    }

    if (quotaDenied) {
      outcome.allowed = false;
      outcome.reasonCode = 2;
      outcome.retryAfterMs = quotaEndMs - nowMs;
    } else if (rateDenied) {
      outcome.allowed = false;
      outcome.reasonCode = 1;
      outcome.retryAfterMs = ceilDiv(newOffset - periodMs * requests, requests);
    }

    if (outcome.allowed) {
      if (rateLimit !== null) {
        const whole = floorDiv(newOffset, requests);
        state.tatBaseMs = nowMs + whole;
        state.tatFraction = newOffset - whole * requests;
        outcome.rateResetMs = ceilDiv(newOffset, requests);
        outcome.rateRemaining = floorDiv(periodMs * requests - newOffset, periodMs);
      }
      if (quota !== null) {
        used += 1;
        state.quotaPeriodId = quotaPeriodId;
        state.quotaUsed = used;
      }
    } else if (rateLimit !== null) {
      outcome.rateResetMs = ceilDiv(offset, requests);
      outcome.rateRemaining = rateDenied ? 0 : floorDiv(periodMs * requests - offset, periodMs);
    }
    if (quota !== null) outcome.quotaRemaining = Math.max(quota.requests - used, 0);
    return outcome;
  }

  clear(): void {
    this.#states.clear();
  }
}
