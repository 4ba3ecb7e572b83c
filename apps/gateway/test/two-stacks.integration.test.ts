import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisServerProcess,
  startRedisServer,
} from '../src/limits/testing/redis-server-process';
import { type ControlPlane, startControlPlane } from './control-plane';
import { freePort } from './gateway-process';
import { echoHandler, eventually, startUpstream, type Upstream } from './harness';

/**
 * Two Portico deployments (each its own control plane, database, worker and gateway) on one
 * Redis, none of them told a prefix: each must count, queue and roll up exactly its own traffic.
 * Before one prefix per deployment, the second stack's gateway wrote its analytics into the
 * queue the first stack's worker consumed, and both counted quotas in the same keys.
 */
const WORKER_DIR = fileURLToPath(new URL('../../worker/', import.meta.url));
const GATEWAY_DIR = fileURLToPath(new URL('../', import.meta.url));

interface Stack {
  control: ControlPlane;
  key: string;
  consumerId: string;
  planId: string;
  gatewayUrl: string;
  children: ChildProcess[];
  stateDir: string;
}

let redisServer: RedisServerProcess;
let redisUrl: string;
let admin: Redis;
let upstream: Upstream;
const stacks: Stack[] = [];

function spawnApp(cwd: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function startStack(name: string): Promise<Stack> {
  const control = await startControlPlane({ env: { REDIS_URL: redisUrl } });
  await control.trpc('config.applyDocument', {
    document: {
      services: [{ name: 'orders', targets: [`127.0.0.1:${upstream.port}`] }],
      apis: [{ name: 'orders-api', basePath: '/', service: 'orders', auth: { type: 'key' } }],
      plans: [{ name: 'metered', apis: ['orders-api'], quota: { requests: 1000, per: 'day' } }],
      // The same consumer name in both stacks: only the prefix keeps them apart in Redis.
      consumers: [{ name: 'acme', plans: ['metered'] }],
    },
    message: name,
  });
  const consumers = await control.query<{ id: string; name: string }[]>('consumers.list', {});
  const consumerId = consumers.find((c) => c.name === 'acme')?.id ?? '';
  const plans = await control.query<{ id: string; name: string }[]>('plans.list', {});
  const planId = plans.find((p) => p.name === 'metered')?.id ?? '';
  const created = await control.trpc<{ clear: string }>('keys.create', {
    consumerId,
    name: 'k',
  });
  const { token } = await control.trpc<{ token: string }>('tokens.createMachine', {
    kind: 'dataplane',
    name: `gw-${name}`,
  });
  const worker = spawnApp(WORKER_DIR, {
    DATABASE_URL: control.database.url,
    REDIS_URL: redisUrl,
    PORTICO_WORKER_SCHEDULES: 'false',
    LOG_LEVEL: 'warn',
  });
  const stateDir = await mkdtemp(join(tmpdir(), `portico-stack-${name}-`));
  const [port, statusPort] = [await freePort(), await freePort()];
  const gateway = spawnApp(GATEWAY_DIR, {
    PORTICO_CONTROL_URL: control.url,
    PORTICO_DP_TOKEN: token,
    PORTICO_GATEWAY_PORT: String(port),
    PORTICO_GATEWAY_STATUS_PORT: String(statusPort),
    PORTICO_GATEWAY_HOST: '127.0.0.1',
    PORTICO_GATEWAY_STATUS_HOST: '127.0.0.1',
    PORTICO_GATEWAY_STATE_DIR: stateDir,
    PORTICO_GATEWAY_WORKERS: '1',
    PORTICO_GATEWAY_NODE_ID: `dpn_${name}`,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
  });
  const stack: Stack = {
    control,
    key: created.clear,
    consumerId,
    planId,
    gatewayUrl: `http://127.0.0.1:${port}`,
    children: [worker, gateway],
    stateDir,
  };
  stacks.push(stack);
  await eventually(
    async () => {
      try {
        const res = await request(`http://127.0.0.1:${statusPort}/readyz`);
        await res.body.dump();
        return res.statusCode === 200;
      } catch {
        return false;
      }
    },
    60_000,
    `gateway of ${name} ready`,
  );
  return stack;
}

async function rollupTotal(stack: Stack): Promise<number> {
  const [row] = await stack.control.database.db.$queryRaw<{ n: bigint }[]>`
    SELECT COALESCE(sum(count), 0)::bigint AS n FROM usage_minutes`;
  return Number(row?.n ?? 0n);
}

beforeAll(async () => {
  redisServer = await startRedisServer();
  redisUrl = `redis://127.0.0.1:${redisServer.port}`;
  admin = new Redis(redisUrl);
  upstream = await startUpstream(echoHandler);
}, 60_000);

afterAll(async () => {
  for (const stack of stacks) {
    for (const child of stack.children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await stack.control.close();
    await rm(stack.stateDir, { recursive: true, force: true });
  }
  admin?.disconnect();
  await upstream?.close();
  await redisServer?.stop();
}, 60_000);

describe('two deployments on one Redis, neither told a prefix', () => {
  it('each counts its quota, queues its analytics and rolls up exactly its own requests', async () => {
    const one = await startStack('one');
    const two = await startStack('two');
    const sent = new Map<Stack, number>([
      [one, 37],
      [two, 53],
    ]);
    for (const [stack, n] of sent) {
      for (let i = 0; i < n; i++) {
        const res = await request(`${stack.gatewayUrl}/orders/${i}`, {
          headers: { 'x-api-key': stack.key },
        });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      }
    }
    for (const [stack, n] of sent) {
      await eventually(async () => (await rollupTotal(stack)) >= n, 60_000, 'rollups');
      expect(await rollupTotal(stack)).toBe(n);
      // Each stack's quota counter lives under its own database's prefix.
      const database = new URL(stack.control.database.url).pathname.slice(1);
      const counter = parseQuotaCounter(
        await admin.get(
          quotaCounterKey(`portico:${database}:rl`, stack.planId, stack.consumerId, 'day'),
        ),
      );
      expect(counter?.count).toBe(n);
    }
    // Nothing was written under the shared default prefix.
    expect(await admin.keys('{portico}:*')).toEqual([]);
    expect(await admin.keys('{portico:rl:*')).toEqual([]);
  }, 300_000);
});
