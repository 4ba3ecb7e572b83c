import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectRedis, redisClusterEnv, redisConnectionSettings } from './redis-connection';

const ZEnv = z.object({ REDIS_URL: z.string().optional(), ...redisClusterEnv });

describe('Redis connection settings', () => {
  it('defaults to one server, with no extra nodes', () => {
    const env = ZEnv.parse({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(redisConnectionSettings(env)).toEqual({
      url: 'redis://127.0.0.1:6379',
      cluster: false,
      seeds: [],
    });
  });

  it('reads a cluster and its extra nodes, and no Redis at all without a URL', () => {
    const env = ZEnv.parse({
      REDIS_URL: 'redis://10.0.0.1:7000',
      PORTICO_REDIS_CLUSTER: 'true',
      PORTICO_REDIS_CLUSTER_NODES: ' 10.0.0.2:7000, redis-3.internal:7001 ',
    });
    expect(redisConnectionSettings(env)?.seeds).toEqual(['10.0.0.2:7000', 'redis-3.internal:7001']);
    expect(redisConnectionSettings({ ...env, REDIS_URL: undefined })).toBeNull();
  });

  it('refuses a node that is not host:port, and a flag that is not true or false', () => {
    const nodes = ZEnv.safeParse({ PORTICO_REDIS_CLUSTER_NODES: '10.0.0.2' });
    expect(nodes.error?.issues[0]?.message).toBe(
      'each cluster node must be host:port, comma-separated',
    );
    expect(ZEnv.safeParse({ PORTICO_REDIS_CLUSTER: 'yes' }).success).toBe(false);
  });

  it('builds a plain client or a cluster client carrying the URL credentials to every node', () => {
    const single = connectRedis(
      { url: 'redis://127.0.0.1:1', cluster: false, seeds: [] },
      { lazyConnect: true },
    );
    expect(single).toBeInstanceOf(Redis);
    single.disconnect();
    const cluster = connectRedis(
      { url: 'rediss://user:p%40ss@10.0.0.1:7000', cluster: true, seeds: ['10.0.0.2:7001'] },
      { lazyConnect: true, maxRetriesPerRequest: 2 },
    );
    expect(cluster).toBeInstanceOf(Cluster);
    if (!(cluster instanceof Cluster)) throw new Error('not a cluster');
    expect(cluster.options.lazyConnect).toBe(true);
    expect(cluster.options.redisOptions).toMatchObject({
      username: 'user',
      password: 'p@ss',
      tls: {},
      maxRetriesPerRequest: 2,
    });
    cluster.disconnect();
  });
});
