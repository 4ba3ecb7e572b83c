import type { Quota, RateLimit } from '@portico/config';
import { BoundedMap } from './bounded-map.js';
import type { LimitOutcome } from './limiter-types.js';
import { quotaPeriodAt } from './quota-period.js';
import { ratePeriodMs } from './rate-limit-headers.js';

interface LocalState {
  /** GCRA theoretical arrival time, ms. */
  tatMs: number;
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
      state = { tatMs: 0, quotaPeriodId: -1, quotaUsed: 0 };
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

    let rateDenied = false;
    let offsetMs = 0;
    let newOffsetMs = 0;
    let intervalMs = 0;
    let periodMs = 0;
    if (rateLimit !== null) {
      periodMs = ratePeriodMs(rateLimit.per);
      intervalMs = periodMs / rateLimit.requests;
      offsetMs = Math.min(Math.max(state.tatMs - nowMs, 0), periodMs);
      newOffsetMs = offsetMs + intervalMs;
      // The epsilon absorbs float rounding so a full burst of exactly `requests` is admitted.
      rateDenied = newOffsetMs > periodMs + 1e-6;
    }

    if (quotaDenied) {
      outcome.allowed = false;
      outcome.reasonCode = 2;
      outcome.retryAfterMs = quotaEndMs - nowMs;
    } else if (rateDenied) {
      outcome.allowed = false;
      outcome.reasonCode = 1;
      outcome.retryAfterMs = newOffsetMs - periodMs;
    }

    if (outcome.allowed) {
      if (rateLimit !== null) {
        state.tatMs = nowMs + newOffsetMs;
        outcome.rateResetMs = newOffsetMs;
        outcome.rateRemaining = Math.floor((periodMs - newOffsetMs) / intervalMs + 1e-6);
      }
      if (quota !== null) {
        used += 1;
        state.quotaPeriodId = quotaPeriodId;
        state.quotaUsed = used;
      }
    } else if (rateLimit !== null) {
      outcome.rateResetMs = offsetMs;
      outcome.rateRemaining = rateDenied
        ? 0
        : Math.floor((periodMs - offsetMs) / intervalMs + 1e-6);
    }
    if (quota !== null) outcome.quotaRemaining = Math.max(quota.requests - used, 0);
    return outcome;
  }

  clear(): void {
    this.#states.clear();
  }
}
