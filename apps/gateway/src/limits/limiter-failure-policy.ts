import { BoundedFailOpen } from './bounded-fail-open.js';
import { RedisBreaker } from './limiter-breaker.js';
import { LIMITER_CHARGE_BATCH_COMMAND } from './limiter-charge-script.js';
import type { LimiterMetrics, UnavailableCause } from './limiter-metrics.js';
import { chargeArgs } from './limiter-script-calls.js';
import type { LimiterTransport } from './limiter-transport.js';
import type { LimitCheck, LimitDecision } from './limiter-types.js';
import { LocalLimiter } from './local-limiter.js';
import { quotaPeriodAt } from './quota-period.js';
import { decisionFromOutcome, unavailableDecision } from './rate-limit-headers.js';
import type { SubjectKeys } from './subject-keys.js';

/**
 * What happens when Redis cannot answer: when that is (no connection, circuit open, too many
 * checks outstanding), the breaker that stops waiting on a failing Redis, and the plan's policy
 * for the check: 'closed' refuses with reason 'unavailable', 'open' admits under the bounded
 * local share (bounded-fail-open.ts), whose admissions are charged to Redis once it answers again.
 */
export class LimiterFailurePolicy {
  // After consecutive failed calls, stop waiting on Redis for a while so a hung server costs
  // each request nothing instead of the whole ceiling.
  readonly breaker: RedisBreaker;
  readonly local: LocalLimiter;
  readonly failOpen: BoundedFailOpen;
  readonly #metrics: LimiterMetrics;
  readonly #clock: () => number;

  constructor(
    settings: {
      readonly openCircuitAfterFailures: number;
      readonly circuitCooldownMs: number;
      readonly maxLocalEntries: number;
      readonly injectedNow: (() => number) | undefined;
    },
    metrics: LimiterMetrics,
    livePeers: () => number,
  ) {
    this.breaker = new RedisBreaker(settings.openCircuitAfterFailures, settings.circuitCooldownMs);
    this.local = new LocalLimiter(settings.maxLocalEntries);
    this.failOpen = new BoundedFailOpen(this.local, livePeers);
    this.#metrics = metrics;
    this.#clock = settings.injectedNow ?? Date.now;
  }

  /** Why a check must be decided without Redis right now, or null when it may go to Redis. */
  skipCause(transport: LimiterTransport, overloaded: boolean): UnavailableCause | null {
    if (!transport.acceptsChecks) return 'no_connection';
    // The clock is read only while the circuit may be open, not on every check.
    if (this.breaker.mayBeOpen && this.breaker.isOpen(performance.now())) return 'circuit_open';
    if (overloaded) return 'overload';
    return null;
  }

  /** The plan's failure policy decides a check Redis cannot answer, for `cause`. */
  decide(req: LimitCheck, keys: SubjectKeys, cause: UnavailableCause): LimitDecision {
    this.#metrics.unavailable(req.failurePolicy, cause);
    const nowMs = Math.floor(this.#clock());
    if (req.failurePolicy === 'closed') {
      let quotaWindowMs = 0;
      if (req.quota !== null) {
        const period = quotaPeriodAt(nowMs, req.quota.per);
        quotaWindowMs = period.endMs - period.startMs;
      }
      return unavailableDecision(req, nowMs, quotaWindowMs);
    }
    const outcome = this.failOpen.decide(req, keys, nowMs);
    this.#metrics.localDecisions[outcome.reasonCode] =
      (this.#metrics.localDecisions[outcome.reasonCode] ?? 0) + 1;
    return decisionFromOutcome(req, outcome);
  }

  /**
   * Charges the admissions made here without Redis to the quota counters, once Redis is back
   * (connected, circuit closed). Charges that cannot be sent wait for the next attempt.
   */
  sendCharges(transport: LimiterTransport): Promise<void> {
    const conn = transport.redis;
    if (conn === null || conn.status !== 'ready' || this.breaker.isOpen(performance.now()))
      return Promise.resolve();
    const charges = this.failOpen.takeCharges();
    if (charges.length === 0) return Promise.resolve();
    const nowArg = transport.nowArg();
    const calls: Promise<unknown>[] = [];
    transport.inSlotParts(
      charges,
      (c) => c.state.slot,
      (part) => {
        calls.push(
          transport.call(conn, LIMITER_CHARGE_BATCH_COMMAND, chargeArgs(part, nowArg)).then(
            () => {
              for (const c of part) this.#metrics.charged += c.count;
            },
            () => this.failOpen.returnCharges(part),
          ),
        );
      },
    );
    return Promise.all(calls).then(() => undefined);
  }
}
