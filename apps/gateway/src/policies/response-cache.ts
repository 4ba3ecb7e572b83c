import type { Readable } from 'node:stream';

interface CachedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  expiresAt: number;
}

const MAX_ENTRY_BYTES = 1_048_576;

function directives(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return (Array.isArray(value) ? value.join(',') : value).toLowerCase();
}

function maxAgeSeconds(cacheControl: string): number | null {
  const match =
    /(?:^|,)\s*s-maxage=(\d+)/.exec(cacheControl) ?? /(?:^|,)\s*max-age=(\d+)/.exec(cacheControl);
  return match ? Number(match[1]) : null;
}

/**
 * In-memory GET/HEAD response cache. Keys carry the consumer on authenticated APIs so one
 * consumer never sees another's response. Upstream `Cache-Control` (no-store, no-cache, private,
 * max-age / s-maxage) caps or forbids storing; a client's `no-cache` forces a fresh fetch.
 * Bodies are captured while they stream to the client; large ones are not cached.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxBytes = 64 * 1_048_576,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, requestCacheControl: string | undefined): CachedResponse | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    const request = directives(requestCacheControl);
    if (
      entry.expiresAt <= this.now() ||
      request.includes('no-cache') ||
      request.includes('no-store')
    ) {
      this.delete(key);
      return null;
    }
    return entry;
  }

  capture(
    key: string,
    status: number,
    headers: Record<string, string | string[]>,
    upstreamCacheControl: string | string[] | undefined,
    ttlSeconds: number,
    body: Readable,
  ): void {
    const control = directives(upstreamCacheControl);
    if (control.includes('no-store') || control.includes('no-cache') || control.includes('private'))
      return;
    if (headers['set-cookie'] !== undefined) return;
    const maxAge = maxAgeSeconds(control);
    const ttl = maxAge === null ? ttlSeconds : Math.min(ttlSeconds, maxAge);
    if (ttl <= 0) return;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    body.on('data', (chunk: Buffer) => {
      if (tooBig) return;
      size += chunk.length;
      if (size > MAX_ENTRY_BYTES) {
        tooBig = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    body.once('end', () => {
      if (tooBig) return;
      const stored = { ...headers };
      delete stored['x-request-id'];
      delete stored['x-cache'];
      this.set(key, {
        status,
        headers: stored,
        body: Buffer.concat(chunks, size),
        expiresAt: this.now() + ttl * 1000,
      });
    });
  }

  private set(key: string, entry: CachedResponse): void {
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.body.length;
    // Oldest first out: Map iteration order is insertion order.
    for (const [oldKey] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.delete(oldKey);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.bytes -= entry.body.length;
    this.entries.delete(key);
  }
}
