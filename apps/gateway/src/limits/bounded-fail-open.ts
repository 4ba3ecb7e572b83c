import type { Quota, RateLimit } from '@portico/config';
import type { LimitCheck, LimitOutcome } from './limiter-types.js';
import type { LocalLimiter } from './local-limiter.js';
import { quotaPeriodAt } from './quota-period.js';

/**
 * What one process knows of a subject for deciding without Redis: its quota left at its last
 * Redis answer, and what it has admitted on its own since (to be charged to Redis later).
 */
export interface FailOpenState {
  readonly rateKey: string;
  readonly quotaDayKey: string;
  readonly quotaMonthKey: string;
  readonly slot: number;
  /** Quota left after the last Redis answer for this subject; -1 when none yet. */
  knownQuotaRemaining: number;
  /** Redis time of that answer (its quota period is worked out only when needed). */
  knownAtMs: number;
  /** Admissions made here without Redis since that answer (bounded by the share). */
  localAdmitted: number;
  /** Local admissions not yet charged to Redis, and the period they were made in. */
  uncharged: number;
  unchargedStartMs: number;
  unchargedEndMs: number;
  unchargedPer: Quota['per'];
}

/** Admissions to add to one quota counter (limiter-charge-script.ts). */
export interface Charge {
  readonly state: FailOpenState;
  readonly quotaKey: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
}

/**
 * Fail-open decisions with a bound. While Redis is unavailable each live limiter process
 * (`peers()`, from limiter-peers.ts) may admit a subject at most
 *
 *     share = floor(R / P)
 *
 * requests of its quota, where R is what the subject had left at this process's last Redis
 * answer in the current period (the plan's whole quota when this process has none) and P the
 * processes seen live. The rate limit is enforced per process at floor(N / P) per period (at
 * least 1). Every local admission is remembered and charged to the Redis quota counter when
 * Redis answers again, so counters end at what was served.
 */
export class BoundedFailOpen {
  readonly #local: LocalLimiter;
  readonly #peers: () => number;
  /** Subjects with local admissions not yet charged to Redis. */
  readonly #uncharged = new Set<FailOpenState>();
  /** Each plan's rate limit divided among P processes, built once per (limit, P). */
  readonly #sharedRates = new WeakMap<RateLimit, { peers: number; rate: RateLimit }>();

  constructor(local: LocalLimiter, peers: () => number) {
    this.#local = local;
    this.#peers = peers;
  }

  get hasPendingCharges(): boolean {
    return this.#uncharged.size > 0;
  }

  /** Local admissions waiting to be charged, for the metrics. */
  get pendingCharges(): number {
    let total = 0;
    for (const state of this.#uncharged) total += state.uncharged;
    return total;
  }

  /**
   * Records Redis's answer: the quota left now, from which the next outage's share is cut. On
   * the hot path, so three field writes and nothing else.
   */
  redisAnswered(state: FailOpenState, quotaRemaining: number, nowMs: number): void {
    state.knownQuotaRemaining = quotaRemaining;
    state.knownAtMs = nowMs;
    state.localAdmitted = 0;
  }

  decide(req: LimitCheck, state: FailOpenState, nowMs: number): LimitOutcome {
    const peers = Math.max(1, this.#peers());
    const { quota } = req;
    let share = 0;
    let periodStartMs = 0;
    let periodEndMs = 0;
    if (quota !== null) {
      const period = quotaPeriodAt(nowMs, quota.per);
      periodStartMs = period.startMs;
      periodEndMs = period.endMs;
      if (
        state.knownQuotaRemaining < 0 ||
        quotaPeriodAt(state.knownAtMs, quota.per).startMs !== period.startMs
      ) {
        // No answer in this period: the plan's quota is all that is known.
        state.knownQuotaRemaining = quota.requests;
        state.knownAtMs = nowMs;
        state.localAdmitted = 0;
      }
      share = Math.floor(state.knownQuotaRemaining / peers);
      if (state.localAdmitted >= share) {
        return {
          allowed: false,
          reasonCode: 2,
          rateRemaining: 0,
          rateResetMs: 0,
          quotaRemaining: 0,
          quotaResetMs: periodEndMs - nowMs,
          retryAfterMs: periodEndMs - nowMs,
          quotaWindowMs: periodEndMs - periodStartMs,
          nowMs,
        };
      }
    }
    const outcome = this.#local.check(
      state.rateKey,
      this.#sharedRate(req.rateLimit, peers),
      null,
      nowMs,
    );
    if (quota !== null) {
      outcome.quotaWindowMs = periodEndMs - periodStartMs;
      outcome.quotaResetMs = periodEndMs - nowMs;
      outcome.quotaRemaining = share - state.localAdmitted - (outcome.allowed ? 1 : 0);
      if (outcome.allowed) this.#remember(state, quota, periodStartMs, periodEndMs);
    }
    return outcome;
  }

  #remember(state: FailOpenState, quota: Quota, startMs: number, endMs: number): void {
    state.localAdmitted += 1;
    if (state.uncharged > 0 && state.unchargedStartMs !== startMs) {
      // A new period began during the outage: the old period's admissions no longer matter.
      state.uncharged = 0;
    }
    state.uncharged += 1;
    state.unchargedStartMs = startMs;
    state.unchargedEndMs = endMs;
    state.unchargedPer = quota.per;
    this.#uncharged.add(state);
  }

  #sharedRate(rateLimit: RateLimit | null, peers: number): RateLimit | null {
    if (rateLimit === null || peers === 1) return rateLimit;
    const cached = this.#sharedRates.get(rateLimit);
    if (cached !== undefined && cached.peers === peers) return cached.rate;
    const rate: RateLimit = {
      requests: Math.max(1, Math.floor(rateLimit.requests / peers)),
      per: rateLimit.per,
    };
    this.#sharedRates.set(rateLimit, { peers, rate });
    return rate;
  }

  /** Takes every pending charge (the caller sends them, and gives them back if that fails). */
  takeCharges(): Charge[] {
    const charges: Charge[] = [];
    for (const state of this.#uncharged) {
      if (state.uncharged > 0) {
        charges.push({
          state,
          quotaKey: state.unchargedPer === 'month' ? state.quotaMonthKey : state.quotaDayKey,
          startMs: state.unchargedStartMs,
          endMs: state.unchargedEndMs,
          count: state.uncharged,
        });
      }
      state.uncharged = 0;
    }
    this.#uncharged.clear();
    return charges;
  }

  /** Puts back charges that could not be sent, to go with the next attempt. */
  returnCharges(charges: readonly Charge[]): void {
    for (const charge of charges) {
      const { state } = charge;
      if (state.uncharged > 0 && state.unchargedStartMs !== charge.startMs) continue;
      state.uncharged += charge.count;
      state.unchargedStartMs = charge.startMs;
      state.unchargedEndMs = charge.endMs;
      this.#uncharged.add(state);
    }
  }
}
