import { ResponseCacheMetrics } from './response-cache-metrics';
import { BodyCapture, planStore, requestForcesMiss } from './response-cache-rules';
import type {
  CacheCapture,
  CachedResponse,
  CacheLookupDone,
  ResponseCacheStore,
} from './response-cache-store';

interface MemoryEntry {
  status: number;
  headers: string[];
  body: Buffer;
  expiresAt: number;
  /** Body plus header text, what the byte cap counts. */
  bytes: number;
}

export interface ResponseCacheOptions {
  /** Entry cap; the oldest stored entries go first. Default 10,000. */
  maxEntries?: number;
  /** Byte cap over bodies and headers. Default 64 MiB. */
  maxBytes?: number;
  /** Clock for expiry (tests move it). */
  now?: () => number;
  /** Shared with the Redis store so `/metrics` renders both together. */
  metrics?: ResponseCacheMetrics;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1_048_576;

function headerBytes(headers: readonly string[]): number {
  let bytes = 0;
  for (const part of headers) bytes += part.length;
  return bytes;
}

/**
 * In-memory GET/HEAD response cache of one gateway process. Keys carry the consumer on
 * authenticated APIs so one consumer never sees another's response. Upstream `Cache-Control`
 * (no-store, no-cache, private, max-age / s-maxage) caps or forbids storing; a client's
 * `no-cache`/`no-store` forces a fresh fetch and drops the entry. Entries leave oldest-stored
 * first once the entry or byte cap is reached; expired ones leave when next looked up.
 */
export class ResponseCache implements ResponseCacheStore {
  readonly metrics: ResponseCacheMetrics;
  private readonly entries = new Map<string, MemoryEntry>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: ResponseCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? new ResponseCacheMetrics();
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError(`ResponseCache: maxEntries must be a positive integer`);
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1)
      throw new RangeError(`ResponseCache: maxBytes must be a positive integer`);
  }

  /** Entries held, expired ones included until they are looked up or pushed out. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held (bodies and headers). */
  get byteSize(): number {
    return this.bytes;
  }

  lookup(key: string, requestCacheControl: string | undefined, done: CacheLookupDone): void {
    const counters = this.metrics.memory;
    const entry = this.entries.get(key);
    if (entry === undefined) {
      counters.misses += 1;
      done(null);
      return;
    }
    if (requestForcesMiss(requestCacheControl) || entry.expiresAt <= this.now()) {
      this.delete(key);
      counters.misses += 1;
      done(null);
      return;
    }
    counters.hits += 1;
    // A fresh header list per hit: the caller may append its own headers to it.
    const hit: CachedResponse = {
      status: entry.status,
      headers: entry.headers.slice(),
      body: entry.body,
    };
    done(hit);
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
    return new BodyCapture(plan.expectedBytes, (body) => {
      const bytes = body.length + headerBytes(plan.headers);
      // An entry larger than the whole cache would only flush everything else.
      if (bytes > this.maxBytes) return;
      this.set(key, {
        status,
        headers: plan.headers,
        body,
        expiresAt: this.now() + plan.ttlMs,
        bytes,
      });
      this.metrics.memory.stores += 1;
    });
  }

  private set(key: string, entry: MemoryEntry): void {
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    // Oldest first out: Map iteration order is insertion order.
    for (const [oldKey] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.delete(oldKey);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }
}
