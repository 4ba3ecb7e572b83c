import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { eventually, published } from './harness';

const GATEWAY_DIR = fileURLToPath(new URL('../', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface GatewayCredentials {
  consumers: { id: string; name: string; status: 'active' }[];
  keys: { id: string; consumerId: string; hash: string; expiresAt: null }[];
  subscriptions: { id: string; consumerId: string; planId: string }[];
}

/**
 * The real gateway (src/main.ts, with its cluster primary and `workers` workers), booted from a
 * last-known-good snapshot in its own state folder: the config source a gateway uses when the
 * control plane is not reachable (its URL points at a port that refuses connections).
 */
export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  statusUrl: string;
  /** SIGTERM, then waits for the primary (and so every worker) to exit. */
  stop(): Promise<void>;
}

export async function startGatewayProcess(options: {
  snapshot: Record<string, unknown>;
  credentials: GatewayCredentials;
  workers: number;
  env: Record<string, string>;
}): Promise<GatewayProcess> {
  const stateDir = await mkdtemp(join(tmpdir(), 'portico-gw-process-'));
  const payload = JSON.stringify({
    published: published(1, options.snapshot),
    credentials: { seq: 1, set: options.credentials },
  });
  await writeFile(
    join(stateDir, 'last-known-good.json'),
    JSON.stringify({
      format: 1,
      savedAt: new Date().toISOString(),
      checksum: createHash('sha256').update(payload).digest('hex'),
      payload,
    }),
  );
  const [port, statusPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: GATEWAY_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      PORTICO_CONTROL_URL: 'http://127.0.0.1:9',
      PORTICO_DP_TOKEN: 'pdp_test',
      PORTICO_GATEWAY_PORT: String(port),
      PORTICO_GATEWAY_STATUS_PORT: String(statusPort),
      PORTICO_GATEWAY_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATUS_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATE_DIR: stateDir,
      PORTICO_GATEWAY_WORKERS: String(options.workers),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(stateDir, { recursive: true, force: true });
  };
  const statusUrl = `http://127.0.0.1:${statusPort}`;
  try {
    // Every worker must be serving before the test starts: the listening socket is shared, so
    // each new connection reaches one worker; ask on fresh connections until every worker has
    // answered ready.
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
        try {
          const views = await workerViews(statusUrl, options.workers, 4 * options.workers);
          return views.size === options.workers && [...views.values()].every((v) => v.ready);
        } catch {
          return false;
        }
      },
      // Generous: a loaded machine forks and boots several workers slowly, and nothing here
      // depends on how fast that is.
      120_000,
      'every gateway worker ready',
    );
  } catch (error) {
    child.kill('SIGKILL');
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    statusUrl,
    stop,
  };
}

export interface WorkerView {
  ready: boolean;
  metrics: string;
}

/**
 * Each worker's readiness and metrics, by pid: `/status` and `/metrics` asked on one connection
 * (so of one worker), over fresh connections until `workers` pids are seen or `attempts` run out.
 */
export async function workerViews(
  statusUrl: string,
  workers: number,
  attempts = 20 * workers,
): Promise<Map<number, WorkerView>> {
  const views = new Map<number, WorkerView>();
  for (let i = 0; i < attempts && views.size < workers; i++) {
    const client = new Client(statusUrl, { pipelining: 0 });
    try {
      const status = await client.request({ path: '/status', method: 'GET' });
      const body = (await status.body.json()) as { pid: number; ready: boolean };
      const metrics = await client.request({ path: '/metrics', method: 'GET' });
      views.set(body.pid, { ready: body.ready, metrics: await metrics.body.text() });
    } finally {
      await client.close();
    }
  }
  return views;
}
