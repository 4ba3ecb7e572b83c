import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './http-client';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

function startControl(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: APP_DIR,
    // Only what the process needs: nothing of the test runner's own environment leaks in.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function exitCode(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('the control process', () => {
  it('refuses to start with a bad environment, naming the variable', async () => {
    const { child, output } = startControl({
      DATABASE_URL: database.url,
      PORTICO_SESSION_SECRET: 'x'.repeat(40),
      PORTICO_SECRET_KEY: 'nothex',
    });
    expect(await exitCode(child, 20_000)).toBe(2);
    expect(output()).toContain('PORTICO_SECRET_KEY: must be 64 hex characters');
  });

  it('boots, creates the bootstrap owner whose PAT works, serves, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const token = generateSecret('bootstrap').clear;
    const { child, output } = startControl({
      DATABASE_URL: database.url,
      PORTICO_SECRET_KEY: 'cd'.repeat(32),
      PORTICO_SESSION_SECRET: 's'.repeat(48),
      PORTICO_BOOTSTRAP_TOKEN: token,
      PORTICO_CONTROL_HOST: '127.0.0.1',
      PORTICO_CONTROL_PORT: String(port),
      PORTICO_LOG_LEVEL: 'warn',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      let healthy = false;
      while (!healthy && Date.now() < deadline && child.exitCode === null) {
        healthy = await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(healthy, output()).toBe(true);
      const me = await query(base, 'auth.me', undefined, { token });
      expect(me.body.result?.data).toMatchObject({
        user: { email: 'admin@portico.local', role: 'owner' },
      });
      child.kill('SIGTERM');
      expect(await exitCode(child, 20_000)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
