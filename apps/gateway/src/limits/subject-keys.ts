import {
  leasedAdmissionsKey,
  type Quota,
  quotaCounterKey,
  type RateLimit,
  rateLimitKey,
  redisKeySlot,
} from '@portico/config';
import type { FailOpenState } from './bounded-fail-open.js';
import { BoundedMap } from './bounded-map.js';

/** Everything the limiter keeps per subject: its Redis keys, lease and fail-open state. */
export interface SubjectKeys extends FailOpenState {
  planId: string;
  /** Counts this subject's admissions out on lease in every process (limiter-script.ts). */
  readonly leasedKey: string;
  /** Admissions Redis already counted for this subject, for its next requests here. */
  lease: Lease | null;
  /** A lease call for the subject is in flight: other checks meanwhile ask for one admission. */
  leasing: boolean;
  /** Checks of the subject since `demandSince` (monotonic ms): sizes the next lease. */
  demand: number;
  demandSince: number;
}

/**
 * A lease: admissions Redis has counted for a subject ahead of its requests (limiter-script.ts),
 * handed out here one per request until they run out or `expiresAt` passes; what is left then
 * goes back to Redis (lease-book.ts). The numbers for the rate-limit headers are Redis's at the
 * grant, with the lease's own unused admissions added back.
 */
export interface Lease {
  readonly keys: SubjectKeys;
  readonly rateLimit: RateLimit | null;
  readonly quota: Quota | null;
  tokens: number;
  /**
   * Admissions Redis counts as out on lease to this process (quota plans only) and not yet
   * settled: everything granted since the last settlement, used or not.
   */
  outstanding: number;
  /** Admissions after the last grant: a refill is asked for when half of them is left. */
  size: number;
  /** Monotonic ms after which the unused admissions go back to Redis. */
  expiresAt: number;
  /** Redis time of the grant: the quota period the admissions were counted in. */
  nowMs: number;
  rateRemaining: number;
  rateResetMs: number;
  quotaRemaining: number;
  quotaResetMs: number;
  quotaWindowMs: number;
}

/** Admissions to give back in one refund call (limiter-refund-script.ts). */
export interface Refund {
  readonly keys: SubjectKeys;
  readonly rateLimit: RateLimit | null;
  readonly quota: Quota | null;
  readonly count: number;
  /** Leased admissions this settles in Redis (the leased-admissions key): used or not. */
  readonly settle: number;
  /** When they were counted (Redis time), so a refund never takes from a later quota period. */
  readonly countedAtMs: number;
}

/**
 * Subjects' key names and state, built once per subject and bounded (oldest first out), so a
 * check of a subject seen before builds no string.
 */
export class SubjectKeyCache {
  readonly #entries: BoundedMap<string, SubjectKeys>;
  readonly #keyPrefix: string;
  readonly #cluster: boolean;

  constructor(keyPrefix: string, maxEntries: number, cluster: boolean) {
    this.#entries = new BoundedMap(maxEntries);
    this.#keyPrefix = keyPrefix;
    this.#cluster = cluster;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Keyed by subject alone so a hit builds no string; a subject seen under another plan rebuilds. */
  get(planId: string, subject: string): SubjectKeys {
    let keys = this.#entries.get(subject);
    if (keys === undefined || keys.planId !== planId) {
      // The layout is shared with the control plane, which reads the quota counters.
      const rateKey = rateLimitKey(this.#keyPrefix, planId, subject);
      keys = {
        planId,
        rateKey,
        quotaDayKey: quotaCounterKey(this.#keyPrefix, planId, subject, 'day'),
        quotaMonthKey: quotaCounterKey(this.#keyPrefix, planId, subject, 'month'),
        leasedKey: leasedAdmissionsKey(this.#keyPrefix, planId, subject),
        // All keys of a subject share its hash tag, so the rate key's slot is theirs.
        slot: this.#cluster ? redisKeySlot(rateKey) : 0,
        knownQuotaRemaining: -1,
        knownAtMs: 0,
        localAdmitted: 0,
        uncharged: 0,
        unchargedStartMs: 0,
        unchargedEndMs: 0,
        unchargedPer: 'day',
        lease: null,
        leasing: false,
        demand: 0,
        demandSince: 0,
      };
      this.#entries.set(subject, keys);
    }
    return keys;
  }

  clear(): void {
    this.#entries.clear();
  }
}
