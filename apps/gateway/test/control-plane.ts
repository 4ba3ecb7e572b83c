import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';
import { request } from 'undici';
import { eventually } from './harness';

/**
 * The real control plane (apps/control) as its own process on a fresh database, driven only
 * through its public HTTP surfaces (tRPC with a personal access token, /dp/v1), as gateways and
 * operators reach it in production. Spawning keeps the gateway's own code free of any
 * database or API import.
 */
export interface ControlPlane {
  url: string;
  /** The control plane's own fresh database (the worker of the same stack uses it too). */
  database: TestDatabase;
  trpc<T>(path: string, input?: unknown): Promise<T>;
  query<T>(path: string, input?: unknown): Promise<T>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `redisUrl` mounts the built-in registry (/registry/v1) on that Redis (none by default); `env`
 * adds to or overrides the control plane's environment.
 */
export async function startControlPlane(
  options: { redisUrl?: string; env?: Record<string, string> } = {},
): Promise<ControlPlane> {
  const database = await createTestDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const pat = generateSecret('bootstrap').clear;
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    PORTICO_CONTROL_PORT: String(port),
    PORTICO_CONTROL_HOST: '127.0.0.1',
    PORTICO_SECRET_KEY: randomBytes(32).toString('hex'),
    PORTICO_SESSION_SECRET: randomBytes(48).toString('base64'),
    PORTICO_BOOTSTRAP_TOKEN: pat,
    PORTICO_LOG_LEVEL: 'warn',
    REDIS_URL: options.redisUrl ?? '',
    ...options.env,
  };
  const controlDir = fileURLToPath(new URL('../../control/', import.meta.url));
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: controlDir,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await eventually(
      async () => {
        try {
          const res = await request(`${url}/healthz`);
          await res.body.dump();
          return res.statusCode === 200;
        } catch {
          return false;
        }
      },
      60_000,
      'control plane healthy',
    );
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
    child = null;
  };

  const call = async <T>(method: 'GET' | 'POST', path: string, input: unknown): Promise<T> => {
    const target =
      method === 'GET'
        ? `${url}/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`
        : `${url}/trpc/${path}`;
    const res = await request(target, {
      method,
      headers: { authorization: `Bearer ${pat}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify(input ?? {}) } : {}),
    });
    const body = (await res.body.json()) as { result?: { data: T }; error?: unknown };
    if (res.statusCode !== 200 || !body.result)
      throw new Error(
        `tRPC ${path} failed (${res.statusCode}): ${JSON.stringify(body.error ?? body)}`,
      );
    return body.result.data;
  };

  await start();
  return {
    url,
    database,
    trpc: (path, input) => call('POST', path, input),
    query: (path, input) => call('GET', path, input),
    stop,
    start,
    async close() {
      await stop();
      await database.drop();
    },
  };
}
