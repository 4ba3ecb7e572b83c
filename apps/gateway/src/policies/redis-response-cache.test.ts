import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, RedisResponseCache } from './redis-response-cache';
import type { CachedResponse } from './response-cache-store';

type Reply<T> = (error: Error | null, value?: T) => void;

/**
 * Stands in for an ioredis connection: records the commands the store sends and lets the test
 * answer them (or not) by hand. No sockets.
 */
class ScriptedRedis {
  status = 'ready';
  readonly gets: { key: string; reply: Reply<Buffer | null> }[] = [];
  readonly sets: { key: string; value: Buffer; mode: string; ttlMs: number; reply: Reply<'OK'> }[] =
    [];
  readonly dels: string[] = [];

  getBuffer(key: string, reply: Reply<Buffer | null>): void {
    this.gets.push({ key, reply });
  }
  set(key: string, value: Buffer, mode: string, ttlMs: number, reply: Reply<'OK'>): void {
    this.sets.push({ key, value, mode, ttlMs, reply });
  }
  del(key: string, reply: Reply<number>): void {
    this.dels.push(key);
    reply(null, 1);
  }
  asRedis(): Redis {
    return this as unknown as Redis;
  }
}

/** Resolves with every `done` call of one lookup once the first arrives, plus a later check. */
function lookup(
  cache: RedisResponseCache,
  key: string,
  requestCacheControl?: string,
): { answers: (CachedResponse | null)[]; first: Promise<CachedResponse | null> } {
  const answers: (CachedResponse | null)[] = [];
  let resolveFirst: (hit: CachedResponse | null) => void = () => undefined;
  const first = new Promise<CachedResponse | null>((resolve) => {
    resolveFirst = resolve;
  });
  cache.lookup(key, requestCacheControl, (hit) => {
    answers.push(hit);
    resolveFirst(hit);
  });
  return { answers, first };
}

function storeThrough(cache: RedisResponseCache, key: string, body: string, ttlSeconds = 60) {
  const capture = cache.begin(
    key,
    200,
    ['content-type', 'text/plain', 'x-request-id', 'req_1', 'content-length', String(body.length)],
    'public, max-age=30',
    ttlSeconds,
  );
  capture?.push(Buffer.from(body));
  capture?.end();
  return capture;
}

describe('RedisResponseCache without a server', () => {
  it('names keys prefix + sha256 of the cache key, so no consumer id appears in Redis', () => {
    const redis = new ScriptedRedis();
    const cache = new RedisResponseCache({ redis: redis.asRedis(), keyPrefix: 'p:' });
    const key = cache.redisKey('api_1|con_secret|GET|/a?');
    expect(key).toMatch(/^p:[0-9a-f]{64}$/);
    expect(key).not.toContain('con_secret');
    expect(cache.redisKey('api_1|con_secret|GET|/a?')).toBe(key);
    expect(cache.redisKey('api_1|con_other|GET|/a?')).not.toBe(key);
  });

  it('writes one SET … PX with the capped TTL and an envelope the lookup decodes', async () => {
    const redis = new ScriptedRedis();
    const cache = new RedisResponseCache({ redis: redis.asRedis() });
    storeThrough(cache, 'k', 'hello');
    expect(redis.sets).toHaveLength(1);
    const set = redis.sets[0];
    expect(set?.mode).toBe('PX');
    expect(set?.ttlMs).toBe(30_000);
    expect(cache.pendingWrites).toBeGreaterThan(5);
    set?.reply(null, 'OK');
    expect(cache.pendingWrites).toBe(0);
    expect(cache.metrics.redis.stores).toBe(1);

    const pending = lookup(cache, 'k');
    redis.gets[0]?.reply(null, set?.value ?? null);
    const hit = await pending.first;
    expect(hit?.status).toBe(200);
    expect(hit?.headers).toEqual(['content-type', 'text/plain', 'content-length', '5']);
    expect(hit?.body.toString()).toBe('hello');
  });

  it('reads anything it did not write itself as a miss', () => {
    expect(decodeEnvelope(Buffer.from('plain string'))).toBeNull();
    expect(decodeEnvelope(Buffer.from([1, 0, 0, 0, 50, 0x7b]))).toBeNull();
    const head = Buffer.from('{"not":"a list"}');
    const prefix = Buffer.from([1, 0, 0, 0, head.length]);
    expect(decodeEnvelope(Buffer.concat([prefix, head]))).toBeNull();
    const odd = Buffer.from('[200,["content-type"]]');
    expect(decodeEnvelope(Buffer.concat([Buffer.from([1, 0, 0, 0, odd.length]), odd]))).toBeNull();
    const good = Buffer.from('[200,["etag","x"]]');
    expect(
      decodeEnvelope(
        Buffer.concat([Buffer.from([1, 0, 0, 0, good.length]), good, Buffer.from('b')]),
      ),
    ).toEqual({ status: 200, headers: ['etag', 'x'], body: Buffer.from('b') });
  });

  it('answers a miss once the budget passes when Redis does not reply, and ignores the late reply', async () => {
    const redis = new ScriptedRedis();
    const cache = new RedisResponseCache({ redis: redis.asRedis(), budgetMs: 5 });
    const slow = lookup(cache, 'slow');
    const alsoSlow = lookup(cache, 'also-slow');
    expect(await slow.first).toBeNull();
    expect(await alsoSlow.first).toBeNull();
    redis.gets[0]?.reply(null, null);
    redis.gets[1]?.reply(new Error('late failure'));
    expect(slow.answers).toEqual([null]);
    expect(alsoSlow.answers).toEqual([null]);
    expect(cache.metrics.redis).toMatchObject({ misses: 2, unavailable: 2, hits: 0 });
  });

  it('answers a lookup whose reply came in time only once, even after its deadline passes', async () => {
    const redis = new ScriptedRedis();
    const cache = new RedisResponseCache({ redis: redis.asRedis(), budgetMs: 5 });
    const quick = lookup(cache, 'quick');
    redis.gets[0]?.reply(null, null);
    expect(await quick.first).toBeNull();
    // A later lookup that times out makes the budget timer run past the answered one.
    const slow = lookup(cache, 'slow');
    expect(await slow.first).toBeNull();
    expect(quick.answers).toEqual([null]);
    expect(cache.metrics.redis).toMatchObject({ misses: 2, unavailable: 1 });
  });

  it('misses at once, sending nothing, while the connection is not ready', () => {
    const redis = new ScriptedRedis();
    redis.status = 'reconnecting';
    const cache = new RedisResponseCache({ redis: redis.asRedis() });
    const pending = lookup(cache, 'k');
    expect(pending.answers).toEqual([null]);
    expect(storeThrough(cache, 'k', 'body')).toBeNull();
    expect(redis.gets).toHaveLength(0);
    expect(redis.sets).toHaveLength(0);
    expect(cache.metrics.redis).toMatchObject({ misses: 1, unavailable: 1, storeErrors: 1 });
  });

  it('stops asking Redis for a while after repeated failures', () => {
    const redis = new ScriptedRedis();
    const cache = new RedisResponseCache({
      redis: redis.asRedis(),
      openCircuitAfterFailures: 3,
      circuitCooldownMs: 60_000,
    });
    for (let i = 0; i < 3; i++) {
      lookup(cache, `k${i}`);
      redis.gets[i]?.reply(new Error('Command timed out'));
    }
    const skipped = lookup(cache, 'k3');
    expect(skipped.answers).toEqual([null]);
    expect(redis.gets).toHaveLength(3);
  });

  it('deletes the entry on a client no-cache and answers a miss without reading', () => {
    const redis = new ScriptedRedis();
    const cache = new RedisResponseCache({ redis: redis.asRedis(), keyPrefix: 'p:' });
    const pending = lookup(cache, 'k', 'no-cache');
    expect(pending.answers).toEqual([null]);
    expect(redis.dels).toEqual([cache.redisKey('k')]);
    expect(redis.gets).toHaveLength(0);
  });

  it('counts a failed write as a store error and refuses new entries past the pending-write bound', () => {
    const redis = new ScriptedRedis();
    const cache = new RedisResponseCache({ redis: redis.asRedis(), maxPendingWriteBytes: 100 });
    storeThrough(cache, 'a', 'x'.repeat(60));
    storeThrough(cache, 'b', 'y'.repeat(60));
    // Both unanswered: the third would pass the bound.
    storeThrough(cache, 'c', 'z'.repeat(60));
    expect(redis.sets.map((s) => s.key)).toEqual([cache.redisKey('a')]);
    redis.sets[0]?.reply(new Error('OOM command not allowed'));
    expect(cache.metrics.redis).toMatchObject({ stores: 0, storeErrors: 3 });
    expect(cache.pendingWrites).toBe(0);
  });
});
