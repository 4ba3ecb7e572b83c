import { createHash } from 'node:crypto';
import type { RedisClient } from '@portico/config/redis';
import type { RedisOptions } from 'ioredis';
import { ResponseCacheMetrics } from './response-cache-metrics';
import {
  BodyCapture,
  MAX_ENTRY_BYTES,
  planStore,
  requestForcesMiss,
  type StorePlan,
} from './response-cache-rules';
import type {
  CacheCapture,
  CachedResponse,
  CacheLookupDone,
  ResponseCacheStore,
} from './response-cache-store';

/**
 * ioredis options for the response cache's own connection (never the limiter's: a limiter reply
 * must not wait behind a megabyte body on the same socket).
 *
 * - `enableOfflineQueue: false`, `maxRetriesPerRequest: 0`: while disconnected a command fails at
 *   once instead of queueing bodies in memory; the store also skips Redis unless it is `ready`.
 * - `commandTimeout`: a hung server's commands are rejected and freed after a second; lookups
 *   have given up long before, on their own budget.
 * - `connectTimeout`, `retryStrategy`: notice a dead server quickly and come back soon after it
 *   recovers.
 */
export const responseCacheRedisOptions = {
  enableAutoPipelining: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 1000,
  connectTimeout: 1000,
  retryStrategy: (times: number) => Math.min(50 * times, 500),
  connectionName: 'portico-gateway-cache',
} satisfies RedisOptions;

export const DEFAULT_RESPONSE_CACHE_KEY_PREFIX = 'portico:cache:';

export interface RedisResponseCacheOptions {
  /** A dedicated connection built with `responseCacheRedisOptions`; the caller closes it. */
  redis: RedisClient;
  /** Prepended to the sha256 of each cache key. Default `portico:cache:`. */
  keyPrefix?: string;
  /** How long a lookup may wait for Redis before it is a miss. Default 25 ms. */
  budgetMs?: number;
  /** Bytes of unacknowledged writes beyond which new entries are not sent. Default 32 MiB. */
  maxPendingWriteBytes?: number;
  /** Consecutive lookup timeouts or errors after which Redis is left alone for a while. */
  openCircuitAfterFailures?: number;
  circuitCooldownMs?: number;
  /** Shared with the memory store so `/metrics` renders both together. */
  metrics?: ResponseCacheMetrics;
}

interface PendingLookup {
  /** On the monotonic clock (`performance.now()`). */
  deadline: number;
  /** Cleared once answered, so the reply or the deadline, whichever is second, does nothing. */
  done: CacheLookupDone | null;
}

/**
 * Entry layout: version byte, u32 length of a JSON `[status, headers]` head, the head, then the
 * raw body. The body is stored as is (no base64), and the head stays readable in `redis-cli`.
 */
const ENVELOPE_VERSION = 1;
const ENVELOPE_PREFIX_BYTES = 5;

function encodeEnvelope(status: number, headers: readonly string[], body: Buffer): Buffer {
  const head = Buffer.from(JSON.stringify([status, headers]));
  const prefix = Buffer.allocUnsafe(ENVELOPE_PREFIX_BYTES);
  prefix.writeUInt8(ENVELOPE_VERSION, 0);
  prefix.writeUInt32BE(head.length, 1);
  return Buffer.concat([prefix, head, body]);
}

/** The stored response, or null for anything this version did not write. */
export function decodeEnvelope(value: Buffer): CachedResponse | null {
  if (value.length < ENVELOPE_PREFIX_BYTES || value.readUInt8(0) !== ENVELOPE_VERSION) return null;
  const headEnd = ENVELOPE_PREFIX_BYTES + value.readUInt32BE(1);
  if (headEnd > value.length) return null;
  let head: unknown;
  try {
    head = JSON.parse(value.toString('utf8', ENVELOPE_PREFIX_BYTES, headEnd));
  } catch {
    return null;
  }
  if (!Array.isArray(head) || head.length !== 2) return null;
  const [status, headers] = head as [unknown, unknown];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    return null;
  if (!Array.isArray(headers) || headers.length % 2 !== 0) return null;
  for (const part of headers) if (typeof part !== 'string') return null;
  return { status, headers: headers as string[], body: value.subarray(headEnd) };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1)
    throw new RangeError(`RedisResponseCache: ${name} must be a positive integer, got ${chosen}`);
  return chosen;
}

/**
 * GET/HEAD response cache shared by every gateway process on one Redis. Each entry is one key,
 * `prefix + sha256(cache key)` (bounded length, and no consumer id in key names), written with
 * `SET … PX ttl`. Same storing rules as the memory store.
 *
 * A lookup never costs more than `budgetMs`: Redis not ready, a circuit opened by repeated
 * failures, an error or a late reply all answer a miss. Budgets run on one timer for the whole
 * store rather than one per lookup: with a fixed budget, deadlines expire in the order lookups
 * began, so a FIFO queue and a timer armed for its head suffice. Writes are fire-and-forget;
 * failures are counted, never reported to the client.
 */
export class RedisResponseCache implements ResponseCacheStore {
  readonly metrics: ResponseCacheMetrics;
  private readonly redis: RedisClient;
  private readonly keyPrefix: string;
  private readonly budgetMs: number;
  private readonly maxPendingWriteBytes: number;
  private readonly breakerFailures: number;
  private readonly breakerCooldownMs: number;
  private pendingWriteBytes = 0;
  // Lookups waiting for Redis, oldest first; `head` is the first one not yet expired or answered.
  private pending: PendingLookup[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private consecutiveFailures = 0;
  private circuitOpenUntil = 0;

  constructor(options: RedisResponseCacheOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix ?? DEFAULT_RESPONSE_CACHE_KEY_PREFIX;
    if (!/^[^\s]{1,100}$/.test(this.keyPrefix)) {
      throw new RangeError(
        `RedisResponseCache: keyPrefix must be 1-100 characters without spaces, got ${JSON.stringify(this.keyPrefix)}`,
      );
    }
    this.budgetMs = positiveInteger('budgetMs', options.budgetMs, 25);
    this.maxPendingWriteBytes = positiveInteger(
      'maxPendingWriteBytes',
      options.maxPendingWriteBytes,
      32 * 1_048_576,
    );
    this.breakerFailures = positiveInteger(
      'openCircuitAfterFailures',
      options.openCircuitAfterFailures,
      5,
    );
    this.breakerCooldownMs = positiveInteger('circuitCooldownMs', options.circuitCooldownMs, 1000);
    this.metrics = options.metrics ?? new ResponseCacheMetrics();
    if (this.redis.status === 'wait') {
      // A lazyConnect client only connects on its first command, which this store never sends
      // while the client is not ready.
      this.redis.connect().catch(() => {
        // Connection errors surface as status changes; lookups miss until it is ready.
      });
    }
  }

  /** Body bytes sent to Redis and not yet acknowledged. */
  get pendingWrites(): number {
    return this.pendingWriteBytes;
  }

  /** The Redis key of a cache key: fixed length, revealing nothing of the consumer or path. */
  redisKey(key: string): string {
    return this.keyPrefix + createHash('sha256').update(key).digest('hex');
  }

  lookup(key: string, requestCacheControl: string | undefined, done: CacheLookupDone): void {
    const counters = this.metrics.redis;
    if (requestForcesMiss(requestCacheControl)) {
      if (this.usable()) {
        this.redis.del(this.redisKey(key), () => {
          // Best effort: an entry that survives expires on its own TTL.
        });
      }
      counters.misses += 1;
      done(null);
      return;
    }
    if (!this.usable()) {
      counters.unavailable += 1;
      counters.misses += 1;
      done(null);
      return;
    }
    const pending: PendingLookup = { deadline: performance.now() + this.budgetMs, done };
    this.pending.push(pending);
    if (this.timer === null) this.arm(this.budgetMs);
    this.redis.getBuffer(this.redisKey(key), (error, value) => {
      const answer = pending.done;
      if (answer === null) return; // The budget already answered a miss.
      pending.done = null;
      if (error) {
        this.failed();
        counters.unavailable += 1;
        counters.misses += 1;
        answer(null);
        return;
      }
      this.consecutiveFailures = 0;
      const hit = value === null || value === undefined ? null : decodeEnvelope(value);
      if (hit === null) {
        counters.misses += 1;
        answer(null);
        return;
      }
      counters.hits += 1;
      answer(hit);
    });
  }

  begin(
    key: string,
    status: number,
    headers: readonly string[],
    upstreamCacheControl: string | undefined,
    ttlSeconds: number,
  ): CacheCapture | null {
    const plan = planStore(status, headers, upstreamCacheControl, ttlSeconds);
    if (plan === null) return null;
    // Nothing is buffered for a store that could not take it anyway.
    if (!this.usable() || this.pendingWriteBytes >= this.maxPendingWriteBytes) {
      this.metrics.redis.storeErrors += 1;
      return null;
    }
    return new BodyCapture(plan.expectedBytes, (body) => this.write(key, status, plan, body));
  }

  private write(key: string, status: number, plan: StorePlan, body: Buffer): void {
    const counters = this.metrics.redis;
    if (body.length > MAX_ENTRY_BYTES) return;
    if (!this.usable() || this.pendingWriteBytes + body.length > this.maxPendingWriteBytes) {
      counters.storeErrors += 1;
      return;
    }
    const value = encodeEnvelope(status, plan.headers, body);
    const size = value.length;
    this.pendingWriteBytes += size;
    this.redis.set(this.redisKey(key), value, 'PX', plan.ttlMs, (error) => {
      this.pendingWriteBytes -= size;
      if (error) counters.storeErrors += 1;
      else counters.stores += 1;
    });
  }

  private usable(): boolean {
    if (this.redis.status !== 'ready') return false;
    if (this.circuitOpenUntil !== 0) {
      if (performance.now() < this.circuitOpenUntil) return false;
      this.circuitOpenUntil = 0;
    }
    return true;
  }

  /** A lookup timed out or failed: after several in a row, stop asking Redis for a while. */
  private failed(): void {
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.breakerFailures) {
      this.circuitOpenUntil = performance.now() + this.breakerCooldownMs;
      // Half-open after the cooldown: one more failure reopens at once.
      this.consecutiveFailures = this.breakerFailures - 1;
    }
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(delayMs)));
    // Pending lookups alone must not keep a stopping process alive.
    this.timer.unref();
  }

  /** Answers a miss to every lookup past its deadline, then re-arms for the next one. */
  private expire(): void {
    this.timer = null;
    const now = performance.now();
    const counters = this.metrics.redis;
    const expired: CacheLookupDone[] = [];
    let index = this.head;
    for (; index < this.pending.length; index++) {
      const lookup = this.pending[index] as PendingLookup;
      if (lookup.done === null) continue;
      if (lookup.deadline > now) break;
      expired.push(lookup.done);
      lookup.done = null;
    }
    if (index >= this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else {
      this.head = index;
      // Compact once the answered prefix dominates, so the array does not grow without bound.
      if (this.head > 1024 && this.head * 2 > this.pending.length) {
        this.pending = this.pending.slice(this.head);
        this.head = 0;
      }
      this.arm((this.pending[this.head] as PendingLookup).deadline - now);
    }
    // State is settled before any callback runs, so a throwing callback cannot wedge the queue.
    for (const done of expired) {
      this.failed();
      counters.unavailable += 1;
      counters.misses += 1;
      done(null);
    }
  }
}
