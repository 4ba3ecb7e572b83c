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
      '# HELP portico_limiter_decisions_total Limit decisions, by where they were taken and their result.',
      '# TYPE portico_limiter_decisions_total counter',
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
      '# HELP portico_limiter_unavailable_total Checks Redis could not answer within the budget, by plan failure policy and cause.',
      '# TYPE portico_limiter_unavailable_total counter',
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
      '# HELP portico_limiter_late_replies_total Checks whose Redis reply arrived after the ceiling (maxWaitMs) had decided them.',
      '# TYPE portico_limiter_late_replies_total counter',
      `portico_limiter_late_replies_total ${this.lateReplies}`,
      '# HELP portico_limiter_slow_replies_total Checks Redis answered after more than budgetMs; they waited and were decided by Redis.',
      '# TYPE portico_limiter_slow_replies_total counter',
      `portico_limiter_slow_replies_total ${this.slowReplies}`,
      '# HELP portico_limiter_circuit_open 1 while checks skip Redis after consecutive failed calls.',
      '# TYPE portico_limiter_circuit_open gauge',
      `portico_limiter_circuit_open ${gauges.circuitOpen}`,
      '# HELP portico_limiter_circuit_opened_total Times the circuit opened.',
      '# TYPE portico_limiter_circuit_opened_total counter',
      `portico_limiter_circuit_opened_total ${gauges.circuitOpened}`,
      '# HELP portico_limiter_fail_open_charged_total Admissions made without Redis (fail-open) and later charged to the Redis quota counters.',
      '# TYPE portico_limiter_fail_open_charged_total counter',
      `portico_limiter_fail_open_charged_total ${this.charged}`,
      '# HELP portico_limiter_fail_open_uncharged Admissions made without Redis not yet charged to Redis.',
      '# TYPE portico_limiter_fail_open_uncharged gauge',
      `portico_limiter_fail_open_uncharged ${gauges.pendingCharges}`,
      '# HELP portico_limiter_restore_guard 1 once this process has seen the restore marker: a Redis that lost it answers restoring (failure policy) instead of counting from zero.',
      '# TYPE portico_limiter_restore_guard gauge',
      `portico_limiter_restore_guard ${gauges.restoreGuard}`,
      '# HELP portico_limiter_live_processes Limiter processes seen live at the last heartbeat; a fail-open subject gets 1/N of what it had left.',
      '# TYPE portico_limiter_live_processes gauge',
      `portico_limiter_live_processes ${gauges.livePeers}`,
      '# HELP portico_limiter_redis_wait_ms How long answered calls waited for Redis, from the first check of their batch.',
      '# TYPE portico_limiter_redis_wait_ms histogram',
      ...this.waitLines(),
      '# HELP portico_limiter_redis_calls_total Lua calls sent to Redis, each carrying a batch of checks.',
      '# TYPE portico_limiter_redis_calls_total counter',
      `portico_limiter_redis_calls_total ${this.redisCalls}`,
      '# HELP portico_limiter_waiter_errors_total Waiters that threw when handed their decision.',
      '# TYPE portico_limiter_waiter_errors_total counter',
      `portico_limiter_waiter_errors_total ${this.waiterErrors}`,
      '# HELP portico_limiter_lease_admissions_total Requests admitted from a lease of admissions Redis had already counted.',
      '# TYPE portico_limiter_lease_admissions_total counter',
      `portico_limiter_lease_admissions_total ${this.leaseAdmissions}`,
      '# HELP portico_limiter_lease_granted_total Admissions Redis counted ahead for leases.',
      '# TYPE portico_limiter_lease_granted_total counter',
      `portico_limiter_lease_granted_total ${this.leaseGranted}`,
      '# HELP portico_limiter_lease_returned_total Lease admissions given back to Redis unused.',
      '# TYPE portico_limiter_lease_returned_total counter',
      `portico_limiter_lease_returned_total ${this.leaseReturned}`,
      '# HELP portico_limiter_lease_settle_waits_total Times a check at a spent quota waited for leases elsewhere to settle.',
      '# TYPE portico_limiter_lease_settle_waits_total counter',
      `portico_limiter_lease_settle_waits_total ${this.leaseSettleWaits}`,
      '# HELP portico_limiter_leases Subjects holding a lease in this process.',
      '# TYPE portico_limiter_leases gauge',
      `portico_limiter_leases ${gauges.leases}`,
      '# HELP portico_limiter_local_subjects Subjects tracked by the local fail-open limiter.',
      '# TYPE portico_limiter_local_subjects gauge',
      `portico_limiter_local_subjects ${gauges.localSubjects}`,
      '# HELP portico_limiter_key_cache_entries Subjects whose Redis key names are cached.',
      '# TYPE portico_limiter_key_cache_entries gauge',
      `portico_limiter_key_cache_entries ${gauges.keyCacheEntries}`,
      '# HELP portico_limiter_in_flight Checks queued for or sent to Redis and not yet answered by it.',
      '# TYPE portico_limiter_in_flight gauge',
      `portico_limiter_in_flight ${gauges.inFlight}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
