import type { CachedResponse } from '../policies/response-cache-store';
import type { AdmittedExchange } from './exchange';
import { upgradeHeadOf } from './exchange-links';
import { addGatewayHeaders } from './response-headers';
import { pickAndSend } from './upstream-request';

/**
 * The response cache, before the upstream: starts a lookup for a cacheable GET or HEAD and
 * returns true (the hit is served, a miss goes upstream); false when the API caches nothing.
 */
export function lookupCache(ex: AdmittedExchange): boolean {
  const cache = ex.deps.cache;
  const entry = ex.entry;
  const method = ex.method;
  if (
    cache === null ||
    entry.cacheTtlSeconds === null ||
    (method !== 'GET' && method !== 'HEAD') ||
    upgradeHeadOf(ex.req) !== undefined
  )
    return false;
  const store = entry.cacheStore === 'redis' ? (cache.redis ?? cache.memory) : cache.memory;
  ex.cacheStore = store;
  const key = `${entry.api.id}|${ex.consumerId ?? ''}|GET|${ex.path}?${ex.query}`;
  ex.cacheKey = key;
  store.lookup(key, ex.req.headers['cache-control'], (hit) => cacheLookedUp(ex, hit));
  return true;
}

function cacheLookedUp(ex: AdmittedExchange, hit: CachedResponse | null): void {
  if (hit === null) {
    pickAndSend(ex);
    return;
  }
  const res = ex.res;
  if (res.destroyed) return;
  const headers = hit.headers.slice();
  headers.push('x-cache', 'HIT');
  addGatewayHeaders(ex, ex.entry, headers);
  res.writeHead(hit.status, headers);
  ex.bytesOut = hit.body.length;
  res.end(ex.method === 'HEAD' ? undefined : hit.body);
}

/**
 * Starts capturing a 200 answer to a GET as it streams (a HEAD answer has no body to serve a
 * later GET with). `headers` are what the client receives.
 */
export function beginCapture(
  ex: AdmittedExchange,
  headers: string[],
  cacheControl: string | undefined,
): void {
  const key = ex.cacheKey;
  if (key === null || ex.method !== 'GET' || ex.cacheStore === null) return;
  ex.capture = ex.cacheStore.begin(key, 200, headers, cacheControl, ex.entry.cacheTtlSeconds ?? 0);
}
