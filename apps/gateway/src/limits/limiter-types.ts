import type { Quota, RateLimit } from '@portico/config';
import type { Redis } from 'ioredis';

export type LimitReason = 'rate_limit' | 'quota' | 'unavailable';

/** What the gateway needs to answer a request after the limiter has looked at it. */
export interface LimitDecision {
  allowed: boolean;
  reason: LimitReason | null;
  /** `RateLimit-Policy` and `RateLimit` on every limited response, `Retry-After` on denial. */
  headers: Record<string, string>;
  retryAfterSeconds: number | null;
  /** For the 429/503 problem+json: which limit, and when it resets. */
  detail: string | null;
}

export interface LimitCheck {
  planId: string;
  /** Consumer id, or 'ip:' + address for anonymous callers. */
  subject: string;
  rateLimit: RateLimit | null;
  quota: Quota | null;
  failurePolicy: 'open' | 'closed';
}

export interface Limiter {
  /** Checks and counts one request. Never throws and never waits longer than the budget. */
  check(req: LimitCheck): Promise<LimitDecision>;
  /** Prometheus text exposition of the limiter's counters. */
  metricsText(): string;
  /** Stops timers; the Redis connection belongs to the caller and stays open. */
  close(): Promise<void>;
}

export interface LimiterOptions {
  /** Built by the caller with `limiterRedisOptions`; null means no Redis: the failure policy decides. */
  redis: Redis | null;
  keyPrefix: string;
  /** Longest a check may wait for Redis before the failure policy decides. Default 50. */
  budgetMs?: number;
  /**
   * Clock override. When set, Redis uses this time too (passed into the script) so tests can
   * cross window and calendar boundaries; when absent Redis TIME is the one clock for all replicas.
   */
  now?: () => number;
  /** Most subjects tracked by the local fail-open limiter and the key cache. Default 10000. */
  maxLocalEntries?: number;
  /** Most Redis checks in flight before new checks skip Redis (a hung server). Default 10000. */
  maxInFlight?: number;
  /**
   * After this many consecutive timeouts or errors, checks skip Redis for `circuitCooldownMs`
   * (the failure policy decides at once), then try it again. Defaults 5 and 1000.
   */
  openCircuitAfterFailures?: number;
  circuitCooldownMs?: number;
}

/**
 * The numbers a limit evaluation yields, from Redis or from the local fallback; decisions and
 * headers are built from this one shape.
 */
export interface LimitOutcome {
  allowed: boolean;
  /** 0 admitted, 1 rate limit, 2 quota. */
  reasonCode: number;
  rateRemaining: number;
  rateResetMs: number;
  quotaRemaining: number;
  quotaResetMs: number;
  retryAfterMs: number;
  quotaWindowMs: number;
  nowMs: number;
}
