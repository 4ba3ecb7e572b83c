import { type CheckBatch, callSize, claimWaiter } from './check-batch.js';
import type { LeaseBook } from './lease-book.js';
import { deliver } from './limit-waiters.js';
import type { LimiterFailurePolicy } from './limiter-failure-policy.js';
import type { LimiterMetrics } from './limiter-metrics.js';
import { LEASED_ELSEWHERE, REPLY, REPLY_STRIDE } from './limiter-script.js';
import { decisionFromReply, itemAt } from './limiter-script-calls.js';
import type { LimitCheck, LimitDecision, LimitWaiter } from './limiter-types.js';
import type { Refund, SubjectKeys } from './subject-keys.js';

/**
 * Asks a check again once leases elsewhere may have settled, or gives it `refusal` when it has
 * waited long enough (limiter-batcher.ts).
 */
export type AskAgain = (
  req: LimitCheck,
  keys: SubjectKeys,
  waiter: LimitWaiter,
  refusal: LimitDecision,
) => void;

/**
 * Turns Redis's answer to a batch call into the checks' decisions: admissions beyond the one a
 * request asked for become its subject's lease, a refill goes to the lease alone, the quota left
 * is noted for the next outage's fail-open share, and what Redis counted for checks already
 * decided without it (after the ceiling) is collected to be given back.
 */
export class BatchAnswers {
  readonly #budgetMs: number;
  readonly #leases: LeaseBook;
  readonly #policy: LimiterFailurePolicy;
  readonly #metrics: LimiterMetrics;
  readonly #askAgain: AskAgain;

  constructor(
    budgetMs: number,
    parts: { leases: LeaseBook; policy: LimiterFailurePolicy; metrics: LimiterMetrics },
    askAgain: AskAgain,
  ) {
    this.#budgetMs = budgetMs;
    this.#leases = parts.leases;
    this.#policy = parts.policy;
    this.#metrics = parts.metrics;
    this.#askAgain = askAgain;
  }

  /**
   * Decides the checks at `positions` (null: the whole batch) from the script's reply `values`
   * (limiter-script.ts); answers the admissions to refund, or null when there are none.
   */
  deliver(
    batch: CheckBatch,
    positions: readonly number[] | null,
    values: readonly number[],
  ): Refund[] | null {
    const metrics = this.#metrics;
    const failOpen = this.#policy.failOpen;
    const count = callSize(batch, positions);
    const nowMs = values[0] ?? 0;
    const waitedMs = performance.now() - batch.startedAt;
    metrics.observeWait(waitedMs);
    let refunds: Refund[] | null = null;
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : itemAt(positions, j);
      const offset = 1 + REPLY_STRIDE * j;
      const reasonCode = values[offset + REPLY.reason] ?? 0;
      const granted = values[offset + REPLY.granted] ?? 0;
      const req = itemAt(batch.reqs, i);
      const keys = itemAt(batch.keys, i);
      const want = itemAt(batch.wants, i);
      // A negative want marks a refill (limiter-script.ts takes its magnitude).
      const refill = want < 0;
      if (refill || want > 1) keys.leasing = false;
      const waiter = claimWaiter(batch, i);
      if (waiter === null) {
        metrics.lateReplies += 1;
        // Decided without Redis, but counted by Redis after all: every admission goes back. A
        // request admitted locally (fail-open) is charged to Redis separately, with the other
        // local admissions, so the counter ends at what was served either way.
        if (reasonCode === 0 && granted > 0) {
          refunds ??= [];
          refunds.push({
            keys,
            rateLimit: req.rateLimit,
            quota: req.quota,
            count: granted,
            // What Redis put out on lease for it: all of a refill's, the extras of a check's.
            settle: req.quota === null ? 0 : refill ? granted : granted - 1,
            countedAtMs: nowMs,
          });
        }
        continue;
      }
      if (waitedMs > this.#budgetMs) metrics.slowReplies += 1;
      if (refill) {
        if (reasonCode === 0) this.#leases.grant(keys, req, granted, values, offset, nowMs);
        if (req.quota !== null)
          failOpen.redisAnswered(keys, values[offset + REPLY.quotaRemaining] ?? 0, nowMs);
        continue;
      }
      if (reasonCode === LEASED_ELSEWHERE) {
        // The quota is spent but partly leased to other processes: decided once they settle.
        this.#askAgain(req, keys, waiter, decisionFromReply(req, values, offset, nowMs, 2));
        continue;
      }
      metrics.redisDecisions[reasonCode] = (metrics.redisDecisions[reasonCode] ?? 0) + 1;
      if (req.quota !== null)
        failOpen.redisAnswered(keys, values[offset + REPLY.quotaRemaining] ?? 0, nowMs);
      if (reasonCode === 0 && granted > 1) {
        const lease = this.#leases.grant(keys, req, granted - 1, values, offset, nowMs);
        if (lease !== null) {
          deliver(waiter, this.#leases.decision(req, lease), metrics);
          continue;
        }
      }
      deliver(waiter, decisionFromReply(req, values, offset, nowMs), metrics);
    }
    return refunds;
  }
}
