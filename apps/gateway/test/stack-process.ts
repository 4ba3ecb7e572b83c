import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { type ControlPlane, startControlPlane } from './control-plane';
import { freePort } from './gateway-process';
import { eventually } from './harness';

const WORKER_DIR = fileURLToPath(new URL('../../worker/', import.meta.url));
const GATEWAY_DIR = fileURLToPath(new URL('../', import.meta.url));

/**
 * A whole Portico deployment as real processes: the control plane on a fresh database, a
 * worker on the same database, and a gateway (one process) synced from the control plane, all
 * on the given Redis, none told a Redis prefix. One API on `/`, one plan `metered` with
 * `quota`, one consumer `acme` with one key.
 */
export interface Stack {
  control: ControlPlane;
  key: string;
  consumerId: string;
  /** Every consumer's key, `acme` first (`consumers` option). */
  consumers: { name: string; id: string; key: string }[];
  planId: string;
  gatewayUrl: string;
  statusUrl: string;
  close(): Promise<void>;
}

function spawnApp(cwd: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function startStack(options: {
  name: string;
  redisUrl: string;
  upstreamPort: number;
  quota: { requests: number; per: 'day' | 'month' };
  redisFailurePolicy?: 'open' | 'closed';
  /** How many consumers subscribe to the plan: `acme`, `acme-2`, … (default 1). */
  consumers?: number;
  /** More environment for all three processes, e.g. PORTICO_REDIS_CLUSTER. */
  env?: Record<string, string>;
}): Promise<Stack> {
  const { name, redisUrl } = options;
  const extraEnv = options.env ?? {};
  const names = Array.from({ length: options.consumers ?? 1 }, (_, i) =>
    i === 0 ? 'acme' : `acme-${i + 1}`,
  );
  const control = await startControlPlane({ env: { REDIS_URL: redisUrl, ...extraEnv } });
  const children: ChildProcess[] = [];
  const stateDir = await mkdtemp(join(tmpdir(), `portico-stack-${name}-`));
  const close = async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await control.close();
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await control.trpc('config.applyDocument', {
      document: {
        services: [{ name: 'orders', targets: [`127.0.0.1:${options.upstreamPort}`] }],
        apis: [{ name: 'orders-api', basePath: '/', service: 'orders', auth: { type: 'key' } }],
        plans: [
          {
            name: 'metered',
            apis: ['orders-api'],
            quota: options.quota,
            redisFailurePolicy: options.redisFailurePolicy ?? 'open',
          },
        ],
        consumers: names.map((consumer) => ({ name: consumer, plans: ['metered'] })),
      },
      message: name,
    });
    const listed = await control.query<{ id: string; name: string }[]>('consumers.list', {});
    const consumers: Stack['consumers'] = [];
    for (const consumer of names) {
      const id = listed.find((c) => c.name === consumer)?.id ?? '';
      const created = await control.trpc<{ clear: string }>('keys.create', {
        consumerId: id,
        name: 'k',
      });
      consumers.push({ name: consumer, id, key: created.clear });
    }
    const first = consumers[0];
    if (first === undefined) throw new Error('a stack needs a consumer');
    const plans = await control.query<{ id: string; name: string }[]>('plans.list', {});
    const planId = plans.find((p) => p.name === 'metered')?.id ?? '';
    const { token } = await control.trpc<{ token: string }>('tokens.createMachine', {
      kind: 'dataplane',
      name: `gw-${name}`,
    });
    children.push(
      spawnApp(WORKER_DIR, {
        DATABASE_URL: control.database.url,
        REDIS_URL: redisUrl,
        PORTICO_WORKER_SCHEDULES: 'false',
        LOG_LEVEL: 'warn',
        ...extraEnv,
      }),
    );
    const [port, statusPort] = [await freePort(), await freePort()];
    children.push(
      spawnApp(GATEWAY_DIR, {
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
        ...extraEnv,
      }),
    );
    const statusUrl = `http://127.0.0.1:${statusPort}`;
    await eventually(
      async () => {
        try {
          const res = await request(`${statusUrl}/readyz`);
          await res.body.dump();
          return res.statusCode === 200;
        } catch {
          return false;
        }
      },
      60_000,
      `gateway of ${name} ready`,
    );
    return {
      control,
      key: first.key,
      consumerId: first.id,
      consumers,
      planId,
      gatewayUrl: `http://127.0.0.1:${port}`,
      statusUrl,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Requests rolled up in the stack's database (minute rollups). */
export async function rollupTotal(stack: Stack): Promise<number> {
  const [row] = await stack.control.database.db.$queryRaw<{ n: bigint }[]>`
    SELECT COALESCE(sum(count), 0)::bigint AS n FROM usage_minutes`;
  return Number(row?.n ?? 0n);
}
