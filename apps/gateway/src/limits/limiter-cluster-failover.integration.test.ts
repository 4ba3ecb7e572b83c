import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseQuotaCounter, quotaCounterKey, redisKeySlot } from '@portico/config';
import { type RedisServer, startRedisServer } from '@portico/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiter, type LimitCheck, type Limiter, limiterRedisOptions } from './index.js';
import { randomKeyPrefix } from './testing/redis-test-prefix.js';

/**
 * A real Redis Cluster on loopback: three masters with one replica each, made by
 * `redis-cli --cluster create`. Limits must stay exact across slots owned by different masters,
 * and through the failover of the master that owns a busy subject (its replica promoted by
 * CLUSTER FAILOVER while checks keep coming).
 */
const run = promisify(execFile);
const nodes: RedisServer[] = [];
const clients: Array<Redis | Cluster> = [];

async function clusterClient(): Promise<Cluster> {
  const first = nodes[0];
  if (first === undefined) throw new Error('no cluster nodes');
  const client = new Cluster([{ host: '127.0.0.1', port: first.port }], {
    enableOfflineQueue: false,
    redisOptions: { ...limiterRedisOptions },
  });
  clients.push(client);
  if (client.status !== 'ready')
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  return client;
}

async function waitFor(what: string, condition: () => Promise<boolean>, deadlineMs = 30_000) {
  const deadline = performance.now() + deadlineMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  for (let i = 0; i < 6; i++) nodes.push(await startRedisServer({ cluster: true }));
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  ]);
  for (const node of nodes) {
    const admin = new Redis({ host: '127.0.0.1', port: node.port });
    clients.push(admin);
    await waitFor('cluster_state:ok', async () =>
      String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'),
    );
    // Replicas are attached by gossip after `create` returns: wait until every node sees three
    // of them, and every replica is in sync with its master (a failover needs that).
    await waitFor('three replicas seen', async () => {
      const text = String(await admin.call('CLUSTER', 'NODES'));
      return text.split('\n').filter((l) => / (myself,)?slave /.test(l)).length === 3;
    });
    const info = String(await admin.info('replication'));
    if (info.includes('role:slave'))
      await waitFor('replica in sync', async () =>
        String(await admin.info('replication')).includes('master_link_status:up'),
      );
  }
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const node of nodes) await node.stop();
});

/** The master serving `slot` and its replica, from CLUSTER NODES of any node. */
async function ownersOf(slot: number): Promise<{ masterPort: number; replicaPort: number }> {
  const first = nodes[0];
  if (first === undefined) throw new Error('no cluster nodes');
  const admin = new Redis({ host: '127.0.0.1', port: first.port });
  clients.push(admin);
  // <id> <ip:port@cport[,host]> <flags> <master id or -> <ping> <pong> <epoch> <state> <slots...>
  const lines = String(await admin.call('CLUSTER', 'NODES'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(' '));
  const portOf = (fields: string[]) => Number(/:(\d+)@/.exec(fields[1] ?? '')?.[1]);
  const master = lines.find(
    (f) =>
      (f[2] ?? '').includes('master') &&
      f.slice(8).some((range) => {
        const [from, to] = range.split('-').map(Number);
        return from !== undefined && slot >= from && slot <= (to ?? from);
      }),
  );
  const replica = lines.find((f) => master !== undefined && f[3] === master[0]);
  if (master === undefined || replica === undefined)
    throw new Error(`no master and replica for slot ${slot} in CLUSTER NODES`);
  return { masterPort: portOf(master), replicaPort: portOf(replica) };
}

interface Tally {
  allowed: number;
  quota: number;
  unavailable: number;
}

/**
 * Sends at least `total` checks, `concurrency` at a time, spread over the limiters. With `at`,
 * its action starts once `at.sent` checks were sent, and sending goes on until `at.thenSend` more
 * were sent after the action finished, however long it takes: a failover that completes late on
 * a busy machine still has traffic after it.
 */
async function drive(
  limiters: Limiter[],
  checkFor: (i: number) => LimitCheck,
  total: number,
  concurrency: number,
  at?: { sent: number; thenSend: number; action: () => Promise<void> },
): Promise<{ tallies: Map<string, Tally>; sent: number; sentWhenActionDone: number }> {
  const tallies = new Map<string, Tally>();
  let sent = 0;
  let sentWhenActionDone = -1;
  let actionFailed = false;
  let action: Promise<void> = Promise.resolve();
  const more = () => {
    if (sent < total) return true;
    if (at === undefined || actionFailed) return false;
    return sentWhenActionDone < 0 || sent < sentWhenActionDone + at.thenSend;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      const limiter = limiters[c % limiters.length] as Limiter;
      while (more()) {
        const i = sent++;
        if (at !== undefined && i === at.sent)
          action = at.action().then(
            () => {
              sentWhenActionDone = sent;
            },
            (error: unknown) => {
              actionFailed = true;
              throw error;
            },
          );
        const check = checkFor(i);
        const decision = await limiter.check(check);
        const tally = tallies.get(check.subject) ?? { allowed: 0, quota: 0, unavailable: 0 };
        if (decision.allowed) tally.allowed += 1;
        else if (decision.reason === 'quota') tally.quota += 1;
        else tally.unavailable += 1;
        tallies.set(check.subject, tally);
      }
    }),
  );
  await action;
  return { tallies, sent, sentWhenActionDone };
}

describe('a three-master Redis Cluster with replicas', () => {
  it('admits exactly each quota for subjects spread over every master, through two processes', async () => {
    const keyPrefix = randomKeyPrefix();
    const subjects = Array.from({ length: 30 }, (_, i) => `con_${i}`);
    const limiters = [
      createLimiter({ redis: await clusterClient(), keyPrefix, maxLease: 256 }),
      createLimiter({ redis: await clusterClient(), keyPrefix, maxLease: 256 }),
    ];
    const quota = { requests: 25, per: 'day' as const };
    const { tallies } = await drive(
      limiters,
      (i) => ({
        planId: 'pln_slots',
        subject: subjects[i % subjects.length] as string,
        rateLimit: null,
        quota,
        failurePolicy: 'closed',
      }),
      subjects.length * 60,
      100,
    );
    for (const limiter of limiters) await limiter.close();
    // The subjects' slots belong to all three masters.
    const admin = await clusterClient();
    const owners = new Set<number>();
    for (const s of subjects) {
      const slot = redisKeySlot(quotaCounterKey(keyPrefix, 'pln_slots', s, 'day'));
      owners.add((await ownersOf(slot)).masterPort);
    }
    expect(owners.size).toBe(3);
    for (const subject of subjects) {
      expect(tallies.get(subject)).toEqual({ allowed: 25, quota: 35, unavailable: 0 });
      const counter = parseQuotaCounter(
        await admin.get(quotaCounterKey(keyPrefix, 'pln_slots', subject, 'day')),
      );
      expect(counter?.count).toBe(25);
    }
  }, 120_000);

  it("stays exact through the failover of the master owning a busy subject's slot", async () => {
    const keyPrefix = randomKeyPrefix();
    const counterKey = quotaCounterKey(keyPrefix, 'pln_busy', 'con_busy', 'day');
    const slot = redisKeySlot(counterKey);
    const admin = await clusterClient();
    const { masterPort, replicaPort } = await ownersOf(slot);
    const replica = new Redis({ host: '127.0.0.1', port: replicaPort });
    clients.push(replica);

    const limiters = [
      createLimiter({ redis: await clusterClient(), keyPrefix, maxLease: 256 }),
      createLimiter({ redis: await clusterClient(), keyPrefix, maxLease: 256 }),
    ];
    const QUOTA = 3_000;
    const AFTER_PROMOTION = 1_000;
    const { tallies, sent, sentWhenActionDone } = await drive(
      limiters,
      () => ({
        planId: 'pln_busy',
        subject: 'con_busy',
        rateLimit: null,
        quota: { requests: QUOTA, per: 'day' },
        failurePolicy: 'closed',
      }),
      QUOTA + 1_000,
      50,
      {
        sent: 1_000,
        thenSend: AFTER_PROMOTION,
        action: async () => {
          await replica.call('CLUSTER', 'FAILOVER');
          await waitFor('the replica promoted', async () => {
            const role = (await replica.call('ROLE')) as unknown[];
            return role[0] === 'master';
          });
        },
      },
    );
    // Leases go back on close, so the counter is what was served.
    for (const limiter of limiters) await limiter.close();
    const tally = tallies.get('con_busy') ?? { allowed: 0, quota: 0, unavailable: 0 };
    const promoted = (await replica.call('ROLE')) as unknown[];
    const counter = parseQuotaCounter(await admin.get(counterKey));
    console.log(
      `failover of the master owning con_busy (127.0.0.1:${masterPort} -> ${replicaPort}), promoted after ${sentWhenActionDone} of ${sent} checks: ${JSON.stringify(tally)}, counter ${counter?.count}`,
    );
    // The checks went on after the promotion: the new master counted at least the last 1,000.
    expect(sentWhenActionDone).toBeGreaterThan(0);
    expect(sent).toBeGreaterThanOrEqual(sentWhenActionDone + AFTER_PROMOTION);
    expect(promoted[0]).toBe('master');
    expect(tally.allowed + tally.quota + tally.unavailable).toBe(sent);
    expect(tally.allowed).toBe(QUOTA);
    expect(tally.quota).toBe(sent - QUOTA - tally.unavailable);
    expect(counter?.count).toBe(tally.allowed);
  }, 120_000);
});
