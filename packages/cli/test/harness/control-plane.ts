import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';

const CONTROL_DIR = fileURLToPath(new URL('../../../../apps/control/', import.meta.url));
const STARTUP_DEADLINE_MS = 30_000;

export interface RunningControlPlane {
  url: string;
  /** The first owner's personal access token (PORTICO_BOOTSTRAP_TOKEN). */
  token: string;
  /** The control plane's own database, for asserting what was (not) written. */
  db: Db;
  /** Everything the control plane printed so far, to explain a failing test. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real control plane (apps/control/src/main.ts through tsx) as a child process on a
 * fresh migrated database, exactly as an operator would run it, and waits for /healthz.
 * It is a separate process rather than an import so packages/cli never depends on an app.
 */
export async function startControlPlane(): Promise<RunningControlPlane> {
  const database = await createTestDatabase();
  const token = generateSecret('bootstrap').clear;
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: CONTROL_DIR,
    env: {
      DATABASE_URL: database.url,
      PORTICO_CONTROL_HOST: '127.0.0.1',
      PORTICO_CONTROL_PORT: String(port),
      PORTICO_SECRET_KEY: randomBytes(32).toString('hex'),
      PORTICO_SESSION_SECRET: randomBytes(48).toString('base64'),
      PORTICO_BOOTSTRAP_TOKEN: token,
      PORTICO_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    await waitForHealthy(url, child, () => output);
  } catch (error) {
    await stopChild(child);
    await database.drop();
    throw error;
  }
  return {
    url,
    token,
    db: database.db,
    output: () => output,
    async stop() {
      await stopChild(child);
      await database.drop();
    },
  };
}

async function waitForHealthy(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // Bounded poll: the process has no readiness signal other than answering /healthz.
  while (Date.now() < deadline) {
    if (exited) throw new Error(`control plane exited during startup:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `control plane did not become healthy within ${STARTUP_DEADLINE_MS} ms:\n${output()}`,
  );
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Asks the kernel for a free loopback port; main.ts takes a port number, not 0. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}
