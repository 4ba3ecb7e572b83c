import type { LimiterMetrics } from './limiter-metrics.js';
import type { LimitDecision, LimitWaiter } from './limiter-types.js';

/**
 * The waiter of a check sent only to refill a subject's lease ahead of its requests: no request
 * waits on it, so its decision goes nowhere and its admissions all go to the lease.
 */
export const LEASE_REFILL: LimitWaiter = Object.freeze({ onLimitDecision: () => undefined });

/** Shared answer for plans with neither limit: nothing to count, no headers to send. */
export const UNLIMITED: LimitDecision = Object.freeze({
  allowed: true,
  reason: null,
  headers: Object.freeze({}) as Record<string, string>,
  retryAfterSeconds: null,
  detail: null,
});

/** Hands a decision to a waiter; a throwing waiter must not stop the others of its batch. */
export function deliver(
  waiter: LimitWaiter,
  decision: LimitDecision,
  metrics: LimiterMetrics,
): void {
  try {
    waiter.onLimitDecision(decision);
  } catch {
    metrics.waiterErrors += 1;
  }
}
