import { familyHeader, singleSample } from '../status/prometheus-text';
/** Why a check could not use Redis. */
export type UnavailableCause =
  | 'no_connection'
  | 'timeout'
  | 'error'
  | 'overload'
  | 'circuit_open'
  | 'restoring';

const CAUSES: readonly UnavailableCause[] = [
  'no_connection',
  'timeout',
  'error',
  'overload',
  'circuit_open',
  'restoring',
];
const RESULTS = ['allowed', 'rate_limit', 'quota'] as const;
/** Upper bounds (ms) of the wait histogram's buckets. */
const WAIT_BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] as const;

/** One zero count per cause, as plain fields so counting is a property increment. */
function countsByCause(): Record<UnavailableCause, number> {
  return { no_connection: 0, timeout: 0, error: 0, overload: 0, circuit_open: 0, restoring: 0 };
}

/**
 * Counters of the limiter, kept as plain numbers (no label maps on the hot path) and rendered as
 * Prometheus text on demand.
 */
export class LimiterMetrics {
  /** Decisions answered by Redis, by result: [allowed, rate_limit, quota]. */
  readonly redisDecisions = [0, 0, 0];
  /** Decisions answered by the local limiter while failing open, by result. */
  readonly localDecisions = [0, 0, 0];
  /** Every check Redis could not answer, by failure policy and cause. */
  readonly unavailableOpen = countsByCause();
  readonly unavailableClosed = countsByCause();
  /** Checks whose Redis reply arrived after the ceiling had already decided them. */
  lateReplies = 0;
  /** Checks answered by Redis after more than `budgetMs`: waited for, not taken for an outage. */
  slowReplies = 0;
  /** Answered calls by how long their checks waited (ms, from the batch's first check). */
  readonly waitBuckets = WAIT_BUCKETS_MS.map(() => 0);
  waitCount = 0;
  waitSumMs = 0;
  /** Lua calls sent to Redis; each carries one batch of checks (one slot's share on a cluster). */
  redisCalls = 0;
  /** Waiters that threw from `onLimitDecision`; the limiter carried on with the others. */
  waiterErrors = 0;
  /** Requests admitted from a lease, without a Redis call of their own. */
  leaseAdmissions = 0;
  /** Admissions Redis counted ahead for leases (beyond the request that asked). */
  leaseGranted = 0;
  /** Lease admissions given back unused (expired, plan changed, or shutdown). */
  leaseReturned = 0;
  /** Checks that found the quota spent but leased elsewhere, asked again after settling. */
  leaseSettleWaits = 0;
  /** Admissions made without Redis (fail-open) since charged to the Redis quota counters. */
  charged = 0;

  /** Records how long one answered call's checks waited: one histogram sample per call. */
  observeWait(ms: number): void {
    this.waitCount += 1;
    this.waitSumMs += ms;
    for (let i = 0; i < WAIT_BUCKETS_MS.length; i++) {
      if (ms <= (WAIT_BUCKETS_MS[i] ?? 0)) {
        this.waitBuckets[i] = (this.waitBuckets[i] ?? 0) + 1;
        return;
      }
    }
  }

  unavailable(policy: 'open' | 'closed', cause: UnavailableCause): void {
    if (policy === 'open') this.unavailableOpen[cause] += 1;
    else this.unavailableClosed[cause] += 1;
  }

  /** Total decisions taken without Redis (both policies). */
  unavailableTotal(): number {
    let total = 0;
    for (const cause of CAUSES)
      total += this.unavailableOpen[cause] + this.unavailableClosed[cause];
    return total;
  }

  private waitLines(): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    WAIT_BUCKETS_MS.forEach((le, i) => {
      cumulative += this.waitBuckets[i] ?? 0;
      lines.push(`portico_limiter_redis_wait_ms_bucket{le="${le}"} ${cumulative}`);
    });
    lines.push(
      `portico_limiter_redis_wait_ms_bucket{le="+Inf"} ${this.waitCount}`,
      `portico_limiter_redis_wait_ms_sum ${Math.round(this.waitSumMs)}`,
      `portico_limiter_redis_wait_ms_count ${this.waitCount}`,
    );
    return lines;
  }

  render(gauges: {
    localSubjects: number;
    keyCacheEntries: number;
    inFlight: number;
    leases: number;
    circuitOpen: number;
    circuitOpened: number;
    livePeers: number;
    pendingCharges: number;
    restoreGuard: number;
  }): string {
    const lines: string[] = [
      ...familyHeader(
        'portico_limiter_decisions_total',
        'counter',
        'Limit decisions, by where they were taken and their result.',
      ),
    ];
    RESULTS.forEach((result, i) => {
      lines.push(
        `portico_limiter_decisions_total{source="redis",result="${result}"} ${this.redisDecisions[i] ?? 0}`,
      );
      lines.push(
        `portico_limiter_decisions_total{source="local",result="${result}"} ${this.localDecisions[i] ?? 0}`,
      );
    });
    lines.push(
      ...familyHeader(
        'portico_limiter_unavailable_total',
        'counter',
        'Checks Redis could not answer within the budget, by plan failure policy and cause.',
      ),
    );
    for (const cause of CAUSES) {
      lines.push(
        `portico_limiter_unavailable_total{policy="open",cause="${cause}"} ${this.unavailableOpen[cause]}`,
      );
      lines.push(
        `portico_limiter_unavailable_total{policy="closed",cause="${cause}"} ${this.unavailableClosed[cause]}`,
      );
    }
    lines.push(
      ...singleSample(
        'portico_limiter_late_replies_total',
        'counter',
        'Checks whose Redis reply arrived after the ceiling (maxWaitMs) had decided them.',
        this.lateReplies,
      ),
      ...singleSample(
        'portico_limiter_slow_replies_total',
        'counter',
        'Checks Redis answered after more than budgetMs; they waited and were decided by Redis.',
        this.slowReplies,
      ),
      ...singleSample(
        'portico_limiter_circuit_open',
        'gauge',
        '1 while checks skip Redis after consecutive failed calls.',
        gauges.circuitOpen,
      ),
      ...singleSample(
        'portico_limiter_circuit_opened_total',
        'counter',
        'Times the circuit opened.',
        gauges.circuitOpened,
      ),
      ...singleSample(
        'portico_limiter_fail_open_charged_total',
        'counter',
        'Admissions made without Redis (fail-open) and later charged to the Redis quota counters.',
        this.charged,
      ),
      ...singleSample(
        'portico_limiter_fail_open_uncharged',
        'gauge',
        'Admissions made without Redis not yet charged to Redis.',
        gauges.pendingCharges,
      ),
      ...singleSample(
        'portico_limiter_restore_guard',
        'gauge',
        '1 once this process has seen the restore marker: a Redis that lost it answers restoring (failure policy) instead of counting from zero.',
        gauges.restoreGuard,
      ),
      ...singleSample(
        'portico_limiter_live_processes',
        'gauge',
        'Limiter processes seen live at the last heartbeat; a fail-open subject gets 1/N of what it had left.',
        gauges.livePeers,
      ),
      ...familyHeader(
        'portico_limiter_redis_wait_ms',
        'histogram',
        'How long answered calls waited for Redis, from the first check of their batch.',
      ),
      ...this.waitLines(),
      ...singleSample(
        'portico_limiter_redis_calls_total',
        'counter',
        'Lua calls sent to Redis, each carrying a batch of checks.',
        this.redisCalls,
      ),
      ...singleSample(
        'portico_limiter_waiter_errors_total',
        'counter',
        'Waiters that threw when handed their decision.',
        this.waiterErrors,
      ),
      ...singleSample(
        'portico_limiter_lease_admissions_total',
        'counter',
        'Requests admitted from a lease of admissions Redis had already counted.',
        this.leaseAdmissions,
      ),
      ...singleSample(
        'portico_limiter_lease_granted_total',
        'counter',
        'Admissions Redis counted ahead for leases.',
        this.leaseGranted,
      ),
      ...singleSample(
        'portico_limiter_lease_returned_total',
        'counter',
        'Lease admissions given back to Redis unused.',
        this.leaseReturned,
      ),
      ...singleSample(
        'portico_limiter_lease_settle_waits_total',
        'counter',
        'Times a check at a spent quota waited for leases elsewhere to settle.',
        this.leaseSettleWaits,
      ),
      ...singleSample(
        'portico_limiter_leases',
        'gauge',
        'Subjects holding a lease in this process.',
        gauges.leases,
      ),
      ...singleSample(
        'portico_limiter_local_subjects',
        'gauge',
        'Subjects tracked by the local fail-open limiter.',
        gauges.localSubjects,
      ),
      ...singleSample(
        'portico_limiter_key_cache_entries',
        'gauge',
        'Subjects whose Redis key names are cached.',
        gauges.keyCacheEntries,
      ),
      ...singleSample(
        'portico_limiter_in_flight',
        'gauge',
        'Checks queued for or sent to Redis and not yet answered by it.',
        gauges.inFlight,
      ),
    );
    return `${lines.join('\n')}\n`;
  }
}
