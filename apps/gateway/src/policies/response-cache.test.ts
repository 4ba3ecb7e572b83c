import { describe, expect, it } from 'vitest';
import { ResponseCache } from './response-cache';
import { ResponseCacheMetrics } from './response-cache-metrics';
import { MAX_ENTRY_BYTES } from './response-cache-rules';
import type { CachedResponse, ResponseCacheStore } from './response-cache-store';

/** The lookup result, asserting the memory store answered before `lookup` returned. */
function lookupNow(
  cache: ResponseCacheStore,
  key: string,
  requestCacheControl?: string,
): CachedResponse | null {
  let answered = false;
  let result: CachedResponse | null = null;
  cache.lookup(key, requestCacheControl, (hit) => {
    if (answered) throw new Error('done called twice');
    answered = true;
    result = hit;
  });
  expect(answered).toBe(true);
  return result;
}

/** Stores `body` under `key` as the proxy would: begin, push in chunks, end. */
function store(
  cache: ResponseCacheStore,
  key: string,
  body: string | Buffer,
  options: { headers?: string[]; cacheControl?: string; ttlSeconds?: number } = {},
): boolean {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const capture = cache.begin(
    key,
    200,
    options.headers ?? ['content-type', 'text/plain', 'content-length', String(bytes.length)],
    options.cacheControl,
    options.ttlSeconds ?? 60,
  );
  if (capture === null) return false;
  const half = Math.floor(bytes.length / 2);
  capture.push(bytes.subarray(0, half));
  capture.push(bytes.subarray(half));
  capture.end();
  return true;
}

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

describe('ResponseCache (memory store)', () => {
  it('answers a stored response synchronously with its status, headers and body', () => {
    const cache = new ResponseCache();
    expect(lookupNow(cache, 'k')).toBeNull();
    expect(store(cache, 'k', 'hello world')).toBe(true);
    const hit = lookupNow(cache, 'k');
    expect(hit?.status).toBe(200);
    expect(hit?.headers).toEqual(['content-type', 'text/plain', 'content-length', '11']);
    expect(hit?.body.toString()).toBe('hello world');
  });

  it('stores no per-request headers: request id, cache status, rate limits, CORS; names in lower case', () => {
    const cache = new ResponseCache();
    const headers = [
      'Content-Type',
      'application/json',
      'x-request-id',
      'req_1',
      'x-cache',
      'MISS',
      'RateLimit',
      '"rate";r=9;t=1',
      'RateLimit-Policy',
      '"rate";q=10;w=1',
      'Retry-After',
      '1',
      'access-control-allow-origin',
      'https://app.test',
      'access-control-allow-credentials',
      'true',
      'access-control-expose-headers',
      'x-total',
      'ETag',
      '"v1"',
    ];
    expect(store(cache, 'k', '{}', { headers })).toBe(true);
    expect(lookupNow(cache, 'k')?.headers).toEqual([
      'content-type',
      'application/json',
      'etag',
      '"v1"',
    ]);
  });

  it('hands out a header list the caller may extend without changing the stored entry', () => {
    const cache = new ResponseCache();
    store(cache, 'k', 'x');
    lookupNow(cache, 'k')?.headers.push('x-cache', 'HIT');
    expect(lookupNow(cache, 'k')?.headers).toEqual([
      'content-type',
      'text/plain',
      'content-length',
      '1',
    ]);
  });

  it('refuses upstream no-store, no-cache, private, max-age=0, set-cookie and non-200 answers', () => {
    const cache = new ResponseCache();
    const plain = ['content-length', '1'];
    for (const cacheControl of ['no-store', 'No-Cache', 'private, max-age=60', 'max-age=0']) {
      expect(cache.begin('k', 200, plain, cacheControl, 60), cacheControl).toBeNull();
    }
    expect(cache.begin('k', 200, ['Set-Cookie', 'session=1', ...plain], undefined, 60)).toBeNull();
    expect(cache.begin('k', 404, plain, undefined, 60)).toBeNull();
    expect(cache.begin('k', 206, plain, undefined, 60)).toBeNull();
    expect(cache.begin('k', 200, plain, 'public, max-age=30', 60)).not.toBeNull();
  });

  it('caps the TTL by upstream max-age, and by s-maxage over max-age', () => {
    const time = clock();
    const cache = new ResponseCache({ now: time.now });
    store(cache, 'max-age', 'a', { cacheControl: 'public, max-age=5', ttlSeconds: 60 });
    store(cache, 's-maxage', 'b', { cacheControl: 'max-age=2, s-maxage=10', ttlSeconds: 60 });
    store(cache, 'api-ttl', 'c', { cacheControl: 'max-age=600', ttlSeconds: 30 });
    time.state.now += 4_999;
    expect(lookupNow(cache, 'max-age')).not.toBeNull();
    time.state.now += 1;
    expect(lookupNow(cache, 'max-age')).toBeNull();
    expect(lookupNow(cache, 's-maxage')).not.toBeNull();
    time.state.now += 5_000;
    expect(lookupNow(cache, 's-maxage')).toBeNull();
    expect(lookupNow(cache, 'api-ttl')).not.toBeNull();
    time.state.now += 20_000;
    expect(lookupNow(cache, 'api-ttl')).toBeNull();
  });

  it('drops an expired entry when it is looked up', () => {
    const time = clock();
    const cache = new ResponseCache({ now: time.now });
    store(cache, 'k', 'abc', { ttlSeconds: 1 });
    expect(cache.size).toBe(1);
    time.state.now += 1_000;
    expect(lookupNow(cache, 'k')).toBeNull();
    expect(cache.size).toBe(0);
    expect(cache.byteSize).toBe(0);
  });

  it('treats a client no-cache or no-store as a miss and evicts the entry', () => {
    const cache = new ResponseCache();
    store(cache, 'a', 'x');
    store(cache, 'b', 'y');
    expect(lookupNow(cache, 'a', 'no-cache')).toBeNull();
    expect(lookupNow(cache, 'a')).toBeNull();
    expect(lookupNow(cache, 'b', 'max-age=0, No-Store')).toBeNull();
    expect(lookupNow(cache, 'b')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('does not store a body that grows past 1 MB while streaming', () => {
    const cache = new ResponseCache();
    const capture = cache.begin(
      'k',
      200,
      ['content-type', 'application/octet-stream'],
      undefined,
      60,
    );
    expect(capture).not.toBeNull();
    capture?.push(Buffer.alloc(MAX_ENTRY_BYTES));
    capture?.push(Buffer.alloc(1));
    capture?.end();
    expect(lookupNow(cache, 'k')).toBeNull();
    // A body of exactly the limit is kept.
    expect(store(cache, 'k', Buffer.alloc(MAX_ENTRY_BYTES, 1))).toBe(true);
    expect(lookupNow(cache, 'k')?.body.length).toBe(MAX_ENTRY_BYTES);
  });

  it('does not begin capturing a body announced larger than 1 MB', () => {
    const cache = new ResponseCache();
    const headers = ['content-length', String(MAX_ENTRY_BYTES + 1)];
    expect(cache.begin('k', 200, headers, undefined, 60)).toBeNull();
  });

  it('stores nothing for an aborted exchange, even if end follows', () => {
    const cache = new ResponseCache();
    const capture = cache.begin('k', 200, ['content-length', '2'], undefined, 60);
    capture?.push(Buffer.from('ab'));
    capture?.abort();
    capture?.end();
    expect(lookupNow(cache, 'k')).toBeNull();
    expect(cache.metrics.memory.stores).toBe(0);
  });

  it('does not store a body shorter than its content-length, or an empty body without one', () => {
    const cache = new ResponseCache();
    // What a HEAD answer or a cut-off stream looks like.
    const short = cache.begin('short', 200, ['content-length', '10'], undefined, 60);
    short?.push(Buffer.from('abc'));
    short?.end();
    expect(lookupNow(cache, 'short')).toBeNull();
    cache.begin('empty-chunked', 200, ['content-type', 'text/plain'], undefined, 60)?.end();
    expect(lookupNow(cache, 'empty-chunked')).toBeNull();
    // An empty body the upstream announced as such is a real answer.
    cache.begin('empty', 200, ['content-length', '0'], undefined, 60)?.end();
    expect(lookupNow(cache, 'empty')?.body.length).toBe(0);
    // Without a content-length, whatever arrived is the body.
    const chunked = cache.begin('chunked', 200, ['content-type', 'text/plain'], undefined, 60);
    chunked?.push(Buffer.from('streamed'));
    chunked?.end();
    expect(lookupNow(cache, 'chunked')?.body.toString()).toBe('streamed');
  });

  it('pushes out the oldest stored entry past the entry cap; storing again renews the position', () => {
    const cache = new ResponseCache({ maxEntries: 3 });
    store(cache, 'a', '1');
    store(cache, 'b', '2');
    store(cache, 'c', '3');
    store(cache, 'a', '1 again');
    store(cache, 'd', '4');
    expect(lookupNow(cache, 'b')).toBeNull();
    expect(lookupNow(cache, 'a')?.body.toString()).toBe('1 again');
    expect(lookupNow(cache, 'c')).not.toBeNull();
    expect(lookupNow(cache, 'd')).not.toBeNull();
    expect(cache.size).toBe(3);
  });

  it('pushes out the oldest entries past the byte cap and never stores one larger than the cap', () => {
    const headers = (n: number) => ['content-length', String(n)];
    // Each entry is its body plus the header text ("content-length" + digits).
    const cache = new ResponseCache({ maxBytes: 3 * (1000 + 18) });
    for (const key of ['a', 'b', 'c'])
      store(cache, key, Buffer.alloc(1000), { headers: headers(1000) });
    expect(cache.size).toBe(3);
    store(cache, 'd', Buffer.alloc(1000), { headers: headers(1000) });
    expect(lookupNow(cache, 'a')).toBeNull();
    expect(cache.size).toBe(3);
    expect(cache.byteSize).toBeLessThanOrEqual(3 * 1018);
    // Too large for the cache as a whole: skipped, and nothing else is flushed for it.
    store(cache, 'huge', Buffer.alloc(4000), { headers: headers(4000) });
    expect(lookupNow(cache, 'huge')).toBeNull();
    expect(cache.size).toBe(3);
  });

  it('counts hits, misses and stores under the memory label', () => {
    const metrics = new ResponseCacheMetrics();
    const cache = new ResponseCache({ metrics });
    lookupNow(cache, 'k');
    store(cache, 'k', 'x');
    lookupNow(cache, 'k');
    lookupNow(cache, 'k');
    lookupNow(cache, 'k', 'no-cache');
    expect(metrics.memory).toMatchObject({ hits: 2, misses: 2, stores: 1, storeErrors: 0 });
    const text = metrics.metricsText({
      memoryEntries: cache.size,
      memoryBytes: cache.byteSize,
      redisPendingWriteBytes: 0,
    });
    expect(text).toContain('portico_response_cache_hits_total{store="memory"} 2');
    expect(text).toContain('portico_response_cache_misses_total{store="memory"} 2');
    expect(text).toContain('portico_response_cache_stores_total{store="memory"} 1');
    expect(text).toContain('portico_response_cache_store_errors_total{store="redis"} 0');
    expect(text).toContain('portico_response_cache_memory_entries 0');
    // Each family is declared once, whichever stores exist.
    expect(text.match(/# TYPE portico_response_cache_hits_total counter/g)).toHaveLength(1);
  });
});
