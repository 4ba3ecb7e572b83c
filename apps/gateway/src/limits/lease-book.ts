import type { LimiterMetrics } from './limiter-metrics.js';
import { REPLY } from './limiter-script.js';
import type { LimitCheck, LimitDecision } from './limiter-types.js';
import { quotaPeriodAt } from './quota-period.js';
import { limitDecision } from './rate-limit-headers.js';
import type { Lease, Refund, SubjectKeys } from './subject-keys.js';

/** Shortest span a subject's rate of checks is measured over (a burst within one turn). */
const MIN_DEMAND_WINDOW_MS = 5;

function quotaPeriodChanged(lease: Lease, req: LimitCheck, nowMs: number): boolean {
  const quota = req.quota;
  if (quota === null) return false;
  return quotaPeriodAt(lease.nowMs, quota.per).startMs !== quotaPeriodAt(nowMs, quota.per).startMs;
}

/**
 * The leases of this process: admissions Redis counted ahead for busy subjects, handed to their
 * next requests without a call of their own, and the leftovers to give back (expired, limits
 * changed, shutdown). Refunds collect here until the batcher's next flush sends them; `onReturn`
 * asks for that flush. Times are monotonic ms (`performance.now()`), passed in by the caller so
 * the hot path reads the clock once.
 */
export class LeaseBook {
  readonly #maxLease: number;
  readonly #leaseMs: number;
  readonly #metrics: LimiterMetrics;
  readonly #onReturn: () => void;
  /** Every lease with admissions left, for the sweep that gives back expired ones. */
  readonly #leases = new Set<Lease>();
  /** Lease admissions to give back at the next flush. */
  #returns: Refund[] = [];
  #closed = false;
  readonly #sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    settings: { readonly maxLease: number; readonly leaseMs: number },
    metrics: LimiterMetrics,
    onReturn: () => void,
  ) {
    this.#maxLease = settings.maxLease;
    this.#leaseMs = settings.leaseMs;
    this.#metrics = metrics;
    this.#onReturn = onReturn;
    this.#sweepTimer =
      settings.maxLease > 1 ? setInterval(() => this.sweep(), settings.leaseMs) : undefined;
    this.#sweepTimer?.unref();
  }

  /** Leases are on (`maxLease` above 1): checks count demand and may ask for more than one. */
  get enabled(): boolean {
    return this.#maxLease > 1;
  }

  /** Subjects holding a lease, for the `portico_limiter_leases` gauge. */
  get size(): number {
    return this.#leases.size;
  }

  get hasReturns(): boolean {
    return this.#returns.length > 0;
  }

  /** Takes the leftovers collected since the last call, for the caller to send. */
  takeReturns(): Refund[] {
    const pending = this.#returns;
    this.#returns = [];
    return pending;
  }

  /**
   * Admissions to ask for: the subject's recent rate of checks times half a lease period, so a
   * lease lasts about half its life and the refill sent at its middle arrives in time. A subject
   * seen less than about twice per `leaseMs` never leases.
   */
  want(keys: SubjectKeys, now: number): number {
    const elapsed = Math.max(now - keys.demandSince, MIN_DEMAND_WINDOW_MS);
    const expected = Math.floor((keys.demand * this.#leaseMs) / (2 * elapsed));
    if (elapsed >= this.#leaseMs || expected >= 2) {
      keys.demand = 0;
      keys.demandSince = now;
    }
    if (expected < 2) return 1;
    return expected < this.#maxLease ? expected : this.#maxLease;
  }

  /**
   * Adds `tokens` admissions Redis counted for the subject to its lease, with Redis's numbers at
   * the grant (the check's values at `offset` of the reply); null once closed (they go back).
   */
  grant(
    keys: SubjectKeys,
    req: LimitCheck,
    tokens: number,
    reply: readonly number[],
    offset: number,
    nowMs: number,
  ): Lease | null {
    let lease = keys.lease;
    if (lease !== null && (lease.rateLimit !== req.rateLimit || lease.quota !== req.quota)) {
      this.retire(lease);
      lease = null;
    }
    this.#metrics.leaseGranted += tokens;
    if (this.#closed) {
      // Shutting down: nothing here will use them.
      this.#giveBack({
        keys,
        rateLimit: req.rateLimit,
        quota: req.quota,
        count: tokens,
        settle: req.quota === null ? 0 : tokens,
        countedAtMs: nowMs,
      });
      return null;
    }
    if (lease === null) {
      lease = {
        keys,
        rateLimit: req.rateLimit,
        quota: req.quota,
        tokens: 0,
        outstanding: 0,
        size: 0,
        expiresAt: 0,
        nowMs: 0,
        rateRemaining: 0,
        rateResetMs: 0,
        quotaRemaining: 0,
        quotaResetMs: 0,
        quotaWindowMs: 0,
      };
      keys.lease = lease;
      this.#leases.add(lease);
    } else if (lease.tokens > 0 && quotaPeriodChanged(lease, req, nowMs)) {
      // Leftovers counted in an earlier quota period go back to it.
      this.retire(lease);
      keys.lease = lease;
      this.#leases.add(lease);
    }
    lease.tokens += tokens;
    // Redis counts a quota plan's leased admissions until this process settles them.
    if (req.quota !== null) lease.outstanding += tokens;
    lease.size = lease.tokens;
    lease.expiresAt = performance.now() + this.#leaseMs;
    lease.nowMs = nowMs;
    lease.rateRemaining = reply[offset + REPLY.rateRemaining] ?? 0;
    lease.rateResetMs = reply[offset + REPLY.rateResetMs] ?? 0;
    lease.quotaRemaining = reply[offset + REPLY.quotaRemaining] ?? 0;
    lease.quotaResetMs = reply[offset + REPLY.quotaResetMs] ?? 0;
    lease.quotaWindowMs = reply[offset + REPLY.quotaWindowMs] ?? 0;
    return lease;
  }

  /**
   * Takes one admission from the lease for the request, if it holds one for these limits that
   * has not expired at `now`; otherwise retires the lease and answers false.
   */
  take(lease: Lease, req: LimitCheck, now: number): boolean {
    if (
      lease.tokens === 0 ||
      now >= lease.expiresAt ||
      lease.rateLimit !== req.rateLimit ||
      lease.quota !== req.quota
    ) {
      this.retire(lease);
      return false;
    }
    lease.tokens -= 1;
    this.#metrics.leaseAdmissions += 1;
    // Used up: settle at once, so checks elsewhere that wait on this lease are decided now.
    if (lease.tokens === 0 && lease.outstanding > 0) this.retire(lease);
    return true;
  }

  /** Half of the lease is used: near its end, a refill is sent ahead so it arrives in time. */
  halfUsed(lease: Lease): boolean {
    return lease.tokens * 2 <= lease.size;
  }

  /**
   * An admission from a lease. What remains, for the headers, is what Redis had left at the grant
   * plus the lease's unused admissions, so it counts down by one per request.
   */
  decision(req: LimitCheck, lease: Lease): LimitDecision {
    return limitDecision(
      req,
      true,
      0,
      lease.rateRemaining + lease.tokens,
      lease.rateResetMs,
      lease.quotaRemaining + lease.tokens,
      lease.quotaResetMs,
      0,
      lease.quotaWindowMs,
      lease.nowMs,
    );
  }

  /**
   * Forgets a lease; its unused admissions go back to Redis at the next flush, with the
   * settlement of everything it was granted.
   */
  retire(lease: Lease): void {
    this.#leases.delete(lease);
    if (lease.keys.lease === lease) lease.keys.lease = null;
    if (lease.tokens > 0 || lease.outstanding > 0) {
      this.#giveBack({
        keys: lease.keys,
        rateLimit: lease.rateLimit,
        quota: lease.quota,
        count: lease.tokens,
        settle: lease.outstanding,
        countedAtMs: lease.nowMs,
      });
      lease.tokens = 0;
      lease.outstanding = 0;
    }
  }

  /** Gives back the leftovers of leases that expired unused. */
  sweep(now = performance.now()): void {
    for (const lease of this.#leases) if (now >= lease.expiresAt) this.retire(lease);
  }

  /** Stops handing out leases: every leftover goes back, and later grants go back at once. */
  close(): void {
    this.#closed = true;
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    for (const lease of this.#leases) this.retire(lease);
  }

  #giveBack(refund: Refund): void {
    this.#metrics.leaseReturned += refund.count;
    this.#returns.push(refund);
    this.#onReturn();
  }
}
