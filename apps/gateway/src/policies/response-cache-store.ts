/**
 * The contract between the proxy hot path and a response cache (memory or Redis). Both stores
 * answer through callbacks so the memory store costs no Promise per request, and capture bodies
 * chunk by chunk as they stream to the client (nothing is buffered unless it will be stored).
 */

/** A stored response: headers as a flat `[name, value, …]` list with lower-case names. */
export interface CachedResponse {
  status: number;
  headers: string[];
  body: Buffer;
}

/** Receives the lookup result exactly once; the memory store calls it synchronously. */
export type CacheLookupDone = (hit: CachedResponse | null) => void;

/** Collects one response body while it streams to the client. */
export interface CacheCapture {
  push(chunk: Buffer): void;
  /** The body is complete: store it (asynchronously for Redis; failures are ignored). */
  end(): void;
  /** The exchange failed or the client went away: store nothing. */
  abort(): void;
}

export interface ResponseCacheStore {
  /**
   * Looks up a fresh entry for `key`. A request `Cache-Control: no-cache` or `no-store` is a
   * miss. Never throws; a store that cannot answer (Redis down or slow) reports a miss.
   */
  lookup(key: string, requestCacheControl: string | undefined, done: CacheLookupDone): void;
  /**
   * Starts capturing a 200 response, or returns null when it must not be stored (upstream
   * `no-store`/`no-cache`/`private`, `set-cookie`, a max-age of 0). `headers` are what the client
   * receives; the store drops per-request ones (`x-request-id`, `x-cache`, rate-limit headers).
   */
  begin(
    key: string,
    status: number,
    headers: readonly string[],
    upstreamCacheControl: string | undefined,
    ttlSeconds: number,
  ): CacheCapture | null;
}

/** The stores a gateway process has; an API picks one by its `cache.store` setting. */
export interface ResponseCacheStores {
  memory: ResponseCacheStore;
  /** Null when the gateway has no Redis: APIs asking for Redis then use memory. */
  redis: ResponseCacheStore | null;
}
