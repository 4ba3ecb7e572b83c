import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { limiterEpochKey, parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { eventually, type RedisServer, startRedisServer } from '@portico/testkit';
import { Cluster, Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoHandler, startUpstream, type Upstream } from './harness';
import { rollupTotal, type Stack, startStack } from './stack-process';

/**
 * A whole deployment (control plane, worker, gateway, as real processes) on a three-master
 * Redis Cluster made by `redis-cli --cluster create`, told only PORTICO_REDIS_CLUSTER=true and one
 * node's URL. Quotas must be exact for subjects spread over the masters, analytics must flow
 * through the cluster into the rollups, the control plane must read the live counters across
 * slots, and a master that loses its data must get its counters back from the rollups.
 */
const run = promisify(execFile);
const QUOTA = 20;
const EXTRA = 5;
const CONSUMERS = 6;
const nodes: RedisServer[] = [];
let cluster: Cluster;
let upstream: Upstream;
let stack: Stack;

async function clusterInfoOk(port: number): Promise<boolean> {
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  try {
    await admin.connect();
    return String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok');
  } finally {
    admin.disconnect();
  }
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) nodes.push(await startRedisServer({ cluster: true }));
  const seeds = nodes.map((node) => `127.0.0.1:${node.port}`);
  await run('redis-cli', [
    '--cluster',
    'create',
    ...seeds,
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  for (const node of nodes)
    await eventually(() => clusterInfoOk(node.port), 30_000, 'cluster_state:ok on every node');
  cluster = new Cluster([{ host: '127.0.0.1', port: nodes[0]?.port ?? 0 }]);
  upstream = await startUpstream(echoHandler);
  stack = await startStack({
    name: 'cluster',
    redisUrl: `redis://127.0.0.1:${nodes[0]?.port}`,
    upstreamPort: upstream.port,
    quota: { requests: QUOTA, per: 'day' },
    redisFailurePolicy: 'closed',
    consumers: CONSUMERS,
    env: { PORTICO_REDIS_CLUSTER: 'true', PORTICO_REDIS_CLUSTER_NODES: seeds.slice(1).join(',') },
  });
}, 180_000);

afterAll(async () => {
  await stack?.close();
  cluster?.disconnect();
  await upstream?.close();
  for (const node of nodes) await node.stop();
}, 60_000);

/** The deployment's limiter key prefix, derived from its database name as nobody set one. */
function limiterPrefix(): string {
  return `portico:${new URL(stack.control.database.url).pathname.slice(1)}:rl`;
}

function counterKey(consumerId: string): string {
  return quotaCounterKey(limiterPrefix(), stack.planId, consumerId, 'day');
}

/** The master (host:port) serving `key`, as the cluster client routes it. */
async function masterOf(key: string): Promise<string> {
  const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
  return cluster.slots[slot]?.[0] ?? 'none';
}

async function statuses(key: string, count: number): Promise<Record<number, number>> {
  const seen: Record<number, number> = {};
  for (let i = 0; i < count; i++) {
    const res = await request(`${stack.gatewayUrl}/orders/${i}`, {
      headers: { 'x-api-key': key },
    });
    await res.body.dump();
    seen[res.statusCode] = (seen[res.statusCode] ?? 0) + 1;
  }
  return seen;
}

describe('a whole deployment on a three-master Redis Cluster', () => {
  it('enforces each quota exactly with the subjects spread over the masters', async () => {
    const masters = new Set(
      await Promise.all(stack.consumers.map((consumer) => masterOf(counterKey(consumer.id)))),
    );
    // Says what the test client saw, should its slot map be incomplete: 'none' is an unmapped slot.
    const mapped = cluster.slots.filter((owners) => owners !== undefined).length;
    expect(
      masters.size,
      `the counters sit on more than one master (${[...masters].join(', ')}; ${mapped} slots mapped)`,
    ).toBeGreaterThan(1);
    for (const consumer of stack.consumers) {
      expect(await statuses(consumer.key, QUOTA + EXTRA), consumer.name).toEqual({
        200: QUOTA,
        429: EXTRA,
      });
      expect(parseQuotaCounter(await cluster.get(counterKey(consumer.id)))?.count).toBe(QUOTA);
    }
  }, 180_000);

  it('queues analytics through the cluster into the rollups, every request once', async () => {
    const sent = CONSUMERS * (QUOTA + EXTRA);
    await eventually(async () => (await rollupTotal(stack)) >= sent, 90_000, 'rollups');
    expect(await rollupTotal(stack)).toBe(sent);
  }, 120_000);

  it('reads the live quota counters of every subscription across slots', async () => {
    const usage = await stack.control.query<{ consumerId: string; used: number; source: string }[]>(
      'usage.quotaUsage',
      {},
    );
    expect(usage).toHaveLength(CONSUMERS);
    for (const row of usage) expect(row).toMatchObject({ used: QUOTA, source: 'live' });
  }, 60_000);

  it('refuses, then restores from the rollups, the counters of a master that lost its data', async () => {
    // A master other than the one holding the restore marker the gateways read: only its
    // sentinel can tell the worker that its counters are gone.
    const markerMaster = await masterOf(limiterEpochKey(limiterPrefix()));
    let victim: Stack['consumers'][number] | undefined;
    let owner = markerMaster;
    for (const consumer of stack.consumers) {
      owner = await masterOf(counterKey(consumer.id));
      victim = consumer;
      if (owner !== markerMaster) break;
    }
    if (victim === undefined || owner === markerMaster)
      throw new Error('every counter on one master');
    const port = Number(owner.slice(owner.lastIndexOf(':') + 1));
    const admin = new Redis({ host: '127.0.0.1', port });
    try {
      await admin.flushall();
    } finally {
      admin.disconnect();
    }
    expect(await cluster.get(counterKey(victim.id))).toBeNull();
    // Until the worker has restored them the gateway does not count from zero: that master's slot
    // markers are gone with its data, so the plan's policy (closed) answers instead.
    const meanwhile = await statuses(victim.key, 10);
    expect(meanwhile[200] ?? 0, JSON.stringify(meanwhile)).toBe(0);
    // The worker finds that master's sentinel gone and raises the counter to what the rollups
    // hold for this period (refused requests included, so never below the quota).
    await eventually(
      async () => (parseQuotaCounter(await cluster.get(counterKey(victim.id)))?.count ?? 0) > 0,
      30_000,
      'the counter restored',
    );
    expect(parseQuotaCounter(await cluster.get(counterKey(victim.id)))?.count).toBeGreaterThan(
      QUOTA - 1,
    );
    // The markers are written after the counters: once they are back, the quota is enforced.
    await eventually(
      async () => (await statuses(victim.key, 1))[503] === undefined,
      30_000,
      'the restore finished',
    );
    expect(await statuses(victim.key, 3)).toEqual({ 429: 3 });
  }, 90_000);
});
