import type { Quota, RateLimit } from '@portico/config';
import type { Cluster, Redis } from 'ioredis';

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

/** Receives exactly one decision per submitted check, possibly synchronously. */
export interface LimitWaiter {
  onLimitDecision(decision: LimitDecision): void;
}

export interface Limiter {
  /**
   * Checks and counts one request; never throws; the waiter hears back within `maxWaitMs`.
   * Plans without limits, and checks that cannot use Redis (no connection, circuit open, too
   * many in flight), are answered synchronously, inside this call. Otherwise the check joins the
   * batch of this event-loop turn, sent to Redis as one call once the turn's I/O is handled. A
   * waiter that throws is counted (`portico_limiter_waiter_errors_total`) and otherwise ignored.
   */
  submit(req: LimitCheck, waiter: LimitWaiter): void;
  /** `submit` as a Promise, for callers that are not on the hot path. Never rejects. */
  check(req: LimitCheck): Promise<LimitDecision>;
  /** Prometheus text exposition of the limiter's counters. */
  metricsText(): string;
  /**
   * Stops using Redis: later checks, and queued ones not yet sent, are decided by their failure
   * policy; checks already sent still hear back within `maxWaitMs`. The Redis connection belongs
   * to the caller and stays open.
   */
  close(): Promise<void>;
}

export interface LimiterOptions {
  /**
   * Built by the caller with `limiterRedisOptions`; null means no Redis: the failure policy
   * decides. An ioredis `Cluster` implies `cluster: true`.
   */
  redis: Redis | Cluster | null;
  keyPrefix: string;
  /**
   * Redis is a Cluster (or a proxy that enforces one slot per command): each batch is split into
   * one call per hash slot. Default false, or true when `redis.isCluster`. On a single node one
   * call carries the whole batch, whatever slots its keys would have.
   */
  cluster?: boolean;
  /**
   * A reply later than this is slow, not missing: it is waited for and used, and counted in
   * `portico_limiter_slow_replies_total`. Default 50.
   */
  budgetMs?: number;
  /**
   * Hard ceiling on how long a check waits for Redis, counted from the first check of its batch
   * (so no check waits longer); past it the failure policy decides and the call counts as failed
   * for the breaker. Redis is otherwise judged unavailable from the connection (not connected,
   * errors, circuit open), never from one late reply. Default 1000.
   */
  maxWaitMs?: number;
  /** Most checks in one Redis call; a busier turn sends several calls. Default 512. */
  maxBatchSize?: number;
  /**
   * Clock override. When set, Redis uses this time too (passed into the script) so tests can
   * cross window and calendar boundaries; when absent Redis TIME is the one clock for all replicas.
   */
  now?: () => number;
  /** Most subjects tracked by the local fail-open limiter and the key cache. Default 10000. */
  maxLocalEntries?: number;
  /**
   * Most checks queued for or sent to Redis and not yet answered by it, before new checks skip
   * Redis (a hung server). Default 10000.
   */
  maxInFlight?: number;
  /**
   * After this many consecutive failed Redis calls (a batch that timed out or a call that
   * errored counts once, however many checks it carried), checks skip Redis for
   * `circuitCooldownMs` (the failure policy decides at once), then try it again. Defaults 5 and
   * 1000.
   */
  openCircuitAfterFailures?: number;
  circuitCooldownMs?: number;
  /**
   * Most admissions one Redis call may count ahead for a busy subject (a lease), handed to its
   * next requests in this process without a call of their own. Redis grants at most a sixteenth
   * of what both limits still admit, so near a limit every request is decided by Redis alone and
   * a limit is never exceeded; leftovers go back after `leaseMs`. Default 1: no leases.
   */
  maxLease?: number;
  /** How long a lease's admissions stay usable before they go back to Redis. Default 200. */
  leaseMs?: number;
  /**
   * How often this process announces itself to the others (limiter-peers.ts). While Redis is
   * unavailable a fail-open subject may be admitted here at most what it had left at its last
   * Redis answer divided by the processes seen live in the last three intervals. Default 1000.
   */
  peersIntervalMs?: number;
  /**
   * Refuse to count from zero unless the restore marker (limiterEpochKey) is present, from the
   * first check. Without it the guard starts once this process has seen the marker (it checks
   * at every heartbeat). On a cluster the marker of each call's slot is checked. Default false.
   */
  requireRestoreMarker?: boolean;
  /** Called once, the first time this process sees the restore marker (to remember it). */
  onRestoreMarkerSeen?: () => void;
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
