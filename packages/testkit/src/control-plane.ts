import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';
import { REPO_ROOT, type RunningProcess, startProcess } from './child-process';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

const CONTROL_DIR = join(REPO_ROOT, 'apps/control');

export interface ControlPlaneOptions {
  /** Mounts the built-in registry (/registry/v1) on this Redis; none by default. */
  redisUrl?: string;
  /** Adds to or overrides the control plane's environment. */
  env?: Record<string, string>;
  port?: number;
  logFile?: string;
}

/**
 * The real control plane (apps/control/src/main.ts through tsx) as its own process on a fresh
 * migrated database, driven only through its public HTTP surfaces (tRPC with the first owner's
 * personal access token, /dp/v1) as operators and gateways reach it. Spawning its entry rather
 * than importing it keeps every other workspace free of a dependency on the app.
 */
export interface ControlPlane {
  url: string;
  /** The first owner's personal access token (PORTICO_BOOTSTRAP_TOKEN). */
  token: string;
  /** The control plane's own database (the worker of the same stack uses it too). */
  database: TestDatabase;
  process(): RunningProcess;
  /** Everything the current process printed so far. */
  output(): string;
  trpc<T>(path: string, input?: unknown): Promise<T>;
  query<T>(path: string, input?: unknown): Promise<T>;
  /** Stops the process, keeping the database (for a restart with `start`). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the process and drops the database. */
  close(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const database = await createTestDatabase();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const token = generateSecret('bootstrap').clear;
  const env = {
    DATABASE_URL: database.url,
    PORTICO_CONTROL_PORT: String(port),
    PORTICO_CONTROL_HOST: '127.0.0.1',
    PORTICO_SECRET_KEY: randomBytes(32).toString('hex'),
    PORTICO_SESSION_SECRET: randomBytes(48).toString('base64'),
    PORTICO_BOOTSTRAP_TOKEN: token,
    PORTICO_LOG_LEVEL: 'warn',
    REDIS_URL: options.redisUrl ?? '',
    ...options.env,
  };
  let running: RunningProcess | null = null;

  const stop = async () => {
    const stopping = running;
    running = null;
    await stopping?.stop();
  };
  const start = async () => {
    if (running) return;
    const child = startProcess('control', process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: CONTROL_DIR,
      env,
      inheritEnv: true,
      ...(options.logFile ? { logFile: options.logFile } : {}),
    });
    running = child;
    // The process has no readiness signal other than answering /healthz.
    await waitFor(
      'the control plane /healthz',
      async () => {
        child.assertRunning();
        const response = await fetch(`${url}/healthz`).catch(() => null);
        await response?.arrayBuffer();
        return response?.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  };

  const call = async <T>(method: 'GET' | 'POST', path: string, input: unknown): Promise<T> => {
    const query = method === 'GET' && input !== undefined;
    const target = `${url}/trpc/${path}${query ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`;
    const response = await fetch(target, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify(input ?? {}) } : {}),
    });
    const body = (await response.json()) as { result?: { data: T }; error?: unknown };
    if (response.status !== 200 || !body.result)
      throw new Error(
        `tRPC ${path} failed (${response.status}): ${JSON.stringify(body.error ?? body)}`,
      );
    return body.result.data;
  };

  try {
    await start();
  } catch (error) {
    await stop();
    await database.drop();
    throw error;
  }
  return {
    url,
    token,
    database,
    process: () => {
      if (!running) throw new Error('the control plane was never started');
      return running;
    },
    output: () => running?.output() ?? '',
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
