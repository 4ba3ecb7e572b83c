import { describe, expect, it } from 'vitest';
import {
  limiterKeyPrefixOf,
  queuePrefixOf,
  redisPrefixForDatabase,
  registryKeyPrefixOf,
  responseCacheKeyPrefixOf,
  ZRedisPrefix,
} from './redis-prefix';

describe('one Redis prefix per deployment', () => {
  it('derives portico:<database name> from a postgres URL', () => {
    expect(redisPrefixForDatabase('postgresql://postgres@127.0.0.1:5432/portico')).toBe(
      'portico:portico',
    );
    expect(redisPrefixForDatabase('postgres://u:p@db:5432/stack%7Btwo%7D?sslmode=require')).toBe(
      'portico:stack_two_',
    );
    // No database name (or no URL at all): the shared default.
    expect(redisPrefixForDatabase('postgres://db:5432/')).toBe('portico');
    expect(redisPrefixForDatabase('not a url')).toBe('portico');
  });

  it('builds every per-purpose prefix from it, matching the layout used before prefixes', () => {
    expect(limiterKeyPrefixOf('portico')).toBe('portico:rl');
    expect(responseCacheKeyPrefixOf('portico')).toBe('portico:cache:');
    expect(registryKeyPrefixOf('portico')).toBe('portico:');
    expect(queuePrefixOf('portico')).toBe('{portico}');
  });

  it('refuses prefixes that would break a Redis Cluster hash tag', () => {
    expect(ZRedisPrefix.safeParse('portico:db_1').success).toBe(true);
    expect(ZRedisPrefix.safeParse('a{b}').success).toBe(false);
    expect(ZRedisPrefix.safeParse('').success).toBe(false);
    expect(ZRedisPrefix.safeParse('has space').success).toBe(false);
  });
});
