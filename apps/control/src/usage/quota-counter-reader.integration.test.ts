import { randomBytes } from 'node:crypto';
import { formatQuotaCounter, quotaCounterKey } from '@portico/config';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisQuotaCounterReader } from './quota-counter-reader';

const keyPrefix = `test:${randomBytes(6).toString('hex')}`;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
});
afterAll(async () => {
  const keys = await redis.keys(`{${keyPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('redisQuotaCounterReader', () => {
  it('reads stored counters in the order asked, null for absent keys', async () => {
    const present = quotaCounterKey(keyPrefix, 'pln_a', 'con_a', 'month');
    const value = formatQuotaCounter({ startMs: 0, endMs: 10, count: 4 });
    await redis.set(present, value);
    const reader = redisQuotaCounterReader(redis, keyPrefix);
    const absent = quotaCounterKey(keyPrefix, 'pln_a', 'con_b', 'month');
    expect(await reader.read([absent, present])).toEqual([null, value]);
    expect(reader.keyPrefix).toBe(keyPrefix);
  });

  it('fails at once instead of queueing when the client is not connected', async () => {
    const offline = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    const started = performance.now();
    await expect(redisQuotaCounterReader(offline).read(['k'])).rejects.toThrow(/redis is wait/);
    expect(performance.now() - started).toBeLessThan(200);
    offline.disconnect();
  });
});
