import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecret } from '@portico/keys';
import { eventually, freePort } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSet } from './credential-set';
import { loopbackService } from './fed-gateway';
import {
  apiOf,
  expectProblem,
  published,
  startGateway,
  startUpstream,
  type Upstream,
} from './harness';

const key = generateSecret('apiKey');
let upstream: Upstream;
let release: () => void = () => undefined;
let held = 0;
let stateDir: string;
let gate: Promise<void> = Promise.resolve();
/** Upstream requests to /slow wait on a fresh gate until `release()` opens it. */
function holdSlowRequests(): void {
  gate = new Promise<void>((resolve) => {
    release = resolve;
  });
}

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.url?.startsWith('/slow')) {
      held++;
      void gate.then(() => res.end('finished'));
      return;
    }
    res.end(`ok ${req.headers['x-consumer-id'] ?? ''}`);
  });
  stateDir = await mkdtemp(join(tmpdir(), 'portico-gw-boot-'));
  const writer = await startGateway({ stateDir });
  await writer.feed(
    published(7, {
      services: [loopbackService('svc', [upstream])],
      apis: [apiOf('keyed', '/', 'svc', { auth: { type: 'key' } })],
      plans: [{ id: 'p', name: 'p', apiIds: ['keyed'] }],
    }),
    credentialSet([{ id: 'con_1', name: 'one', key, planId: 'p' }], { seq: 3 }),
  );
  await eventually(
    () => existsSync(join(stateDir, 'last-known-good.json')),
    5000,
    'snapshot written',
  );
  await writer.close();
});
afterAll(async () => {
  release();
  await upstream.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe('last-known-good snapshot', () => {
  it('serves the saved config and credentials on boot while the control plane is down', async () => {
    const gw = await startGateway({ stateDir });
    try {
      expect(gw.gateway.runtime.current.config?.version).toBe(7);
      const res = await request(`${gw.url}/x`, { headers: { 'x-api-key': key.clear } });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('ok con_1');
      // The sync loop is failing against a dead control plane; traffic does not notice.
      await eventually(
        () => gw.gateway.sync.status().consecutiveFailures >= 2,
        5000,
        'sync failures',
      );
      const again = await request(`${gw.url}/x`, { headers: { 'x-api-key': key.clear } });
      expect(again.statusCode).toBe(200);
      await again.body.dump();
    } finally {
      await gw.close();
    }
  });

  it.each([
    ['garbage bytes', () => 'not json at all {{{'],
    [
      'a flipped byte in the payload (checksum mismatch)',
      (valid: string) => valid.replace('"version\\":7', '"version\\":8'),
    ],
    [
      'a valid envelope around an invalid config',
      () => {
        const payload = JSON.stringify({
          published: { version: 1 },
          credentials: { seq: 0, set: { consumers: [], keys: [], subscriptions: [] } },
        });
        return JSON.stringify({
          format: 1,
          savedAt: 'now',
          checksum: createHash('sha256').update(payload).digest('hex'),
          payload,
        });
      },
    ],
  ])(
    'discards a snapshot with %s, logs it, and boots not-ready instead of crashing',
    async (_name, corrupt) => {
      const dir = await mkdtemp(join(tmpdir(), 'portico-gw-corrupt-'));
      const valid = await readFile(join(stateDir, 'last-known-good.json'), 'utf8');
      const damaged = corrupt(valid);
      expect(damaged).not.toBe(valid);
      await writeFile(join(dir, 'last-known-good.json'), damaged);
      const gw = await startGateway({ stateDir: dir });
      try {
        expect(gw.gateway.runtime.current.config).toBeNull();
        const res = await request(`${gw.url}/x`);
        await expectProblem(res, 503, 'GW_NOT_READY');
        const ready = await request(`${gw.statusUrl}/readyz`);
        expect(ready.statusCode).toBe(503);
        await ready.body.dump();
      } finally {
        await gw.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

const appDir = new URL('..', import.meta.url).pathname;
/** The shipped artifact: the esbuild bundle `npm run build` makes (starts in well under a second). */
const bundle = join(appDir, 'dist', 'sigterm-test-main.mjs');

function spawnGateway(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [bundle], {
    cwd: appDir,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      PORTICO_CONTROL_URL: 'http://127.0.0.1:9',
      PORTICO_DP_TOKEN: 'pdp_x',
      PORTICO_ANALYTICS_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

describe('SIGTERM', () => {
  beforeAll(() => {
    execFileSync(
      process.execPath,
      ['../../tooling/scripts/build-node-app.mjs', 'src/main.ts', bundle],
      { cwd: appDir, stdio: 'ignore' },
    );
  });

  for (const workers of ['1', '2']) {
    it(`with ${workers} worker(s): stops accepting, finishes in-flight requests, then exits 0`, async () => {
      const port = await freePort();
      const statusPort = await freePort();
      const child = spawnGateway({
        PORTICO_GATEWAY_PORT: String(port),
        PORTICO_GATEWAY_STATUS_PORT: String(statusPort),
        PORTICO_GATEWAY_HOST: '127.0.0.1',
        PORTICO_GATEWAY_STATUS_HOST: '127.0.0.1',
        PORTICO_GATEWAY_STATE_DIR: stateDir,
        PORTICO_GATEWAY_WORKERS: workers,
      });
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      try {
        await eventually(
          async () => {
            try {
              const r = await request(`http://127.0.0.1:${statusPort}/readyz`);
              await r.body.dump();
              return r.statusCode === 200;
            } catch {
              return false;
            }
          },
          60_000,
          'gateway ready',
        );
        holdSlowRequests();
        const before = held;
        const inFlight = [1, 2, 3].map(() =>
          request(`http://127.0.0.1:${port}/slow`, {
            headers: { 'x-api-key': key.clear },
            reset: true,
          }),
        );
        await eventually(() => held === before + 3, 5000, 'requests reached the upstream');
        child.kill('SIGTERM');
        // New connections are refused once the listener has closed; in-flight ones stay open.
        await eventually(
          async () => {
            try {
              const r = await request(`http://127.0.0.1:${port}/x`, {
                headers: { 'x-api-key': key.clear },
                reset: true,
              });
              await r.body.dump();
              return false;
            } catch {
              return true;
            }
          },
          5000,
          'listener closed',
        );
        release();
        const responses = await Promise.all(inFlight);
        expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
        expect(await Promise.all(responses.map((r) => r.body.text()))).toEqual([
          'finished',
          'finished',
          'finished',
        ]);
        expect(await exited).toBe(0);
      } finally {
        child.kill('SIGKILL');
      }
    }, 90_000);
  }
});
