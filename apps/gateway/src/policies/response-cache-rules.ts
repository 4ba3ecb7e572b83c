import type { CacheCapture } from './response-cache-store';

/** Bodies above this are streamed to the client but never stored. */
export const MAX_ENTRY_BYTES = 1_048_576;

/**
 * Response headers that belong to one exchange, not to the resource: the proxy sets them afresh
 * on every answer (request id, cache status, the caller's rate-limit state, CORS for the caller's
 * Origin), so a stored copy would leak one caller's values to the next.
 */
const PER_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'x-request-id',
  'x-cache',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
]);

/** What `begin` decided to store, before the body is known. */
export interface StorePlan {
  /** Headers to store: lower-case names, per-request ones removed. */
  headers: string[];
  ttlMs: number;
  /** The announced `content-length`; a body of another size was cut short and is not stored. */
  expectedBytes: number | null;
}

function maxAgeSeconds(cacheControl: string): number | null {
  // A shared cache obeys s-maxage over max-age.
  const match =
    /(?:^|,)\s*s-maxage\s*=\s*"?(\d+)/.exec(cacheControl) ??
    /(?:^|,)\s*max-age\s*=\s*"?(\d+)/.exec(cacheControl);
  return match ? Number(match[1]) : null;
}

/** True when the client's `Cache-Control` asks for a fresh answer (`no-cache` or `no-store`). */
export function requestForcesMiss(requestCacheControl: string | undefined): boolean {
  if (requestCacheControl === undefined || requestCacheControl === '') return false;
  const request = requestCacheControl.toLowerCase();
  return request.includes('no-cache') || request.includes('no-store');
}

/**
 * Decides whether a response may be stored and for how long: only 200s, never with upstream
 * `no-store`/`no-cache`/`private` or a `set-cookie`, for the API's TTL capped by
 * `s-maxage`/`max-age` (0 means not at all), and never when the announced body is too large.
 */
export function planStore(
  status: number,
  headers: readonly string[],
  upstreamCacheControl: string | undefined,
  ttlSeconds: number,
): StorePlan | null {
  if (status !== 200) return null;
  let ttl = ttlSeconds;
  if (upstreamCacheControl !== undefined && upstreamCacheControl !== '') {
    const control = upstreamCacheControl.toLowerCase();
    if (control.includes('no-store') || control.includes('no-cache') || control.includes('private'))
      return null;
    const maxAge = maxAgeSeconds(control);
    if (maxAge !== null) ttl = Math.min(ttl, maxAge);
  }
  if (!(ttl > 0)) return null;
  const stored: string[] = [];
  let expectedBytes: number | null = null;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = (headers[i] as string).toLowerCase();
    const value = headers[i + 1] as string;
    if (name === 'set-cookie') return null;
    if (PER_REQUEST_HEADERS.has(name) || name.startsWith('access-control-')) continue;
    if (name === 'content-length') {
      expectedBytes = /^\d+$/.test(value) ? Number(value) : null;
      if (expectedBytes !== null && expectedBytes > MAX_ENTRY_BYTES) return null;
    }
    stored.push(name, value);
  }
  return { headers: stored, ttlMs: ttl * 1000, expectedBytes };
}

/**
 * Collects a body as it streams to the client and hands it over once complete. Past
 * `MAX_ENTRY_BYTES` the chunks are dropped at once so a large download holds no memory here.
 * A body whose size differs from its `content-length` (a HEAD answer, a cut-off stream) is
 * dropped too, since serving it would promise bytes that never come; so is an empty body without
 * a `content-length`, which is what a HEAD answer to a chunked resource looks like, and HEAD and
 * GET share an entry.
 */
export class BodyCapture implements CacheCapture {
  private chunks: Buffer[] | null = [];
  private size = 0;

  constructor(
    private readonly expectedBytes: number | null,
    private readonly complete: (body: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.chunks === null) return;
    this.size += chunk.length;
    if (this.size > MAX_ENTRY_BYTES) this.chunks = null;
    else this.chunks.push(chunk);
  }

  end(): void {
    const chunks = this.chunks;
    if (chunks === null) return;
    this.chunks = null;
    if (this.expectedBytes === null ? this.size === 0 : this.size !== this.expectedBytes) return;
    this.complete(Buffer.concat(chunks, this.size));
  }

  abort(): void {
    this.chunks = null;
  }
}
