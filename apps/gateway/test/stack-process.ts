import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ControlPlane,
  type RunningProcess,
  startControlPlane,
  startGatewayProcess,
  startWorkerProcess,
} from '@portico/testkit';

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
  /** Stops the worker (nothing restores lost counters until it starts again). */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** A new gateway process on the same state folder; `gatewayUrl` and `statusUrl` follow it. */
  restartGateway(): Promise<void>;
  close(): Promise<void>;
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
  const children: RunningProcess[] = [];
  const stateDir = await mkdtemp(join(tmpdir(), `portico-stack-${name}-`));
  const close = async () => {
    for (const child of children) await child.stop();
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
    const startWorker = () =>
      startWorkerProcess({
        databaseUrl: control.database.url,
        redisUrl,
        env: { PORTICO_WORKER_SCHEDULES: 'false', LOG_LEVEL: 'warn', ...extraEnv },
        // At warn level the worker never logs that it is ready; the gateway's readiness is awaited.
        waitUntilReady: false,
      });
    const startGateway = () =>
      startGatewayProcess({
        controlUrl: control.url,
        dpToken: token,
        stateDir,
        env: { PORTICO_GATEWAY_NODE_ID: `dpn_${name}`, REDIS_URL: redisUrl, ...extraEnv },
        readyTimeoutMs: 60_000,
      });
    let worker = await startWorker();
    children.push(worker);
    let gateway = await startGateway();
    children.push(gateway);
    const stack: Stack = {
      control,
      key: first.key,
      consumerId: first.id,
      consumers,
      planId,
      gatewayUrl: gateway.url,
      statusUrl: gateway.statusUrl,
      async stopWorker() {
        await worker.stop();
      },
      async startWorker() {
        worker = await startWorker();
        children.push(worker);
      },
      async restartGateway() {
        await gateway.stop();
        gateway = await startGateway();
        children.push(gateway);
        stack.gatewayUrl = gateway.url;
        stack.statusUrl = gateway.statusUrl;
      },
      close,
    };
    return stack;
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
