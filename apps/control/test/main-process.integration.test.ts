import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';
import { freePort, type RunningProcess, startProcess } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './http-client';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The control plane's entry; only what the process needs, nothing of the runner's environment. */
function startControl(env: Record<string, string>): RunningProcess {
  return startProcess('control', process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: APP_DIR,
    env,
  });
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
