import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../stack/paths';
import { waitFor } from '../stack/wait';

/**
 * `npm run dev` as a newcomer runs it, on a machine where no Postgres answers: the script runs in
 * a private network namespace (only loopback, a private redis-server, nothing on 5432), so it
 * brings up the embedded PostgreSQL and binds the default ports without touching the machine's
 * own services. Run twice on the same state folder: the second run reuses the data.
 */
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['--net', 'true']).status === 0;

interface DevRun {
  child: ChildProcess;
  lines: string[];
  /** A process inside the namespace, for nsenter (unshare --fork: its child). */
  netnsPid(): number;
  exited: Promise<void>;
}

const stateDir = mkdtempSync(join(tmpdir(), 'portico-dev-stack-'));
// The embedded Postgres runs as the `postgres` user when started by root: it must enter here.
chmodSync(stateDir, 0o755);

function startDev(): DevRun {
  const script = [
    'ip link set lo up',
    "redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &",
    `exec ${process.execPath} --import tsx tooling/scripts/dev.mjs --no-traffic`,
  ].join('\n');
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
  const child = spawn('unshare', ['--net', '--fork', 'sh', '-c', script], {
    cwd: REPO_ROOT,
    env: { ...env, PORTICO_DEV_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('unshare did not start');
  const netnsPid = () => {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    const first = Number(children.split(/\s+/)[0]);
    if (!Number.isInteger(first) || first <= 0) throw new Error('unshare has no child yet');
    return first;
  };
  return { child, lines, netnsPid, exited };
}

function inNamespace(run: DevRun, command: string[], env: Record<string, string> = {}) {
  return spawnSync('nsenter', [`--net=/proc/${run.netnsPid()}/ns/net`, ...command], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

function statusOf(run: DevRun, path: string, key: string | null): string {
  const headers = key ? ['-H', `x-api-key: ${key}`] : [];
  return inNamespace(run, [
    'curl',
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    ...headers,
    `http://127.0.0.1:8080${path}`,
  ]).stdout;
}

async function waitUntilReady(run: DevRun): Promise<number> {
  const started = Date.now();
  await waitFor(
    'npm run dev to print its banner and "ready"',
    () => {
      if (run.child.exitCode !== null)
        throw new Error(
          `dev exited with ${run.child.exitCode}:\n${run.lines.slice(-30).join('\n')}`,
        );
      return run.lines.some((l) => l.startsWith('[dev] ready in'));
    },
    { timeoutMs: 300_000, intervalMs: 500 },
  );
  return Date.now() - started;
}

/** Every process still inside the namespace (by its net namespace link). */
function processesIn(namespace: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/net`) === namespace) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/**
 * Stops the run as Ctrl-C would (SIGTERM to its process group: dev.mjs stops the apps), then
 * makes sure nothing is left in the namespace, whatever state the run was in.
 */
async function stopDev(run: DevRun): Promise<number> {
  let namespace: string | null = null;
  try {
    namespace = readlinkSync(`/proc/${run.netnsPid()}/ns/net`);
  } catch {
    // the run is already gone
  }
  if (run.child.pid !== undefined && run.child.exitCode === null) {
    try {
      process.kill(-run.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await Promise.race([run.exited, new Promise((r) => setTimeout(r, 30_000))]);
  if (namespace === null) return 0;
  const inside = namespace;
  const leftovers = await waitFor(
    'the apps in the namespace to stop',
    () => (processesIn(inside).length === 0 ? 0 : undefined),
    { timeoutMs: 15_000, intervalMs: 250 },
  ).catch(() => {
    const pids = processesIn(inside);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    return pids.length;
  });
  return leftovers;
}

describe.skipIf(!canUnshare)('npm run dev with no Postgres answering', () => {
  let run: DevRun | null = null;
  afterAll(async () => {
    if (run) await stopDev(run);
    rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('says exactly how to start a Redis when none answers, and exits 1 having started nothing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'portico-dev-noredis-'));
    try {
      const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
      const result = spawnSync(
        'unshare',
        [
          '--net',
          '--fork',
          'sh',
          '-c',
          `ip link set lo up\nexec ${process.execPath} --import tsx tooling/scripts/dev.mjs`,
        ],
        {
          cwd: REPO_ROOT,
          env: { ...env, PORTICO_DEV_STATE_DIR: empty },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('no Redis answers on 127.0.0.1:6379');
      expect(result.stderr).toContain('redis-server --port 6379');
      // Nothing was started: no embedded Postgres folder.
      expect(existsSync(join(empty, 'pg'))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 90_000);

  it('comes up on an embedded Postgres, prints the banner last with a working key, on loopback only, quietly', async () => {
    run = startDev();
    const readyMs = await waitUntilReady(run);
    console.log(`dev stack: first run ready in ${Math.round(readyMs / 1000)} s`);
    const output = run.lines.join('\n');
    expect(output).toContain('using an embedded PostgreSQL');

    // Item 9: the demo key reaches every demo API, right when the banner is printed.
    const key = readFileSync(join(stateDir, 'demo-key'), 'utf8').trim();
    expect(output).toContain(`curl -H "x-api-key: ${key}" http://127.0.0.1:8080/orders`);
    for (const path of ['/orders', '/orders/ord_1001', '/payments/charges', '/payments/refunds'])
      expect(`${path} ${statusOf(run, path, key)}`).toBe(`${path} 200`);
    expect(statusOf(run, '/status/', null)).toBe('200');
    expect(statusOf(run, '/orders', null)).toBe('401');

    // The banner comes after every demo instance registered, and names the demo developer.
    const bannerAt = run.lines.findIndex((l) => l.startsWith('[dev] Portico is up.'));
    const allRegistered = run.lines.findIndex((l) => l.includes('all demo instances registered'));
    expect(allRegistered).toBeGreaterThan(-1);
    expect(bannerAt).toBeGreaterThan(allRegistered);
    expect(output).toMatch(/developer@demo\.portico\.local \/ \S+/);

    // Item 6: every listener is on loopback.
    const listeners = inNamespace(run, ['ss', '-ltnH'])
      .stdout.split('\n')
      .map((l) => l.trim().split(/\s+/)[3])
      .filter((a): a is string => a !== undefined && a.length > 0);
    for (const port of ['3000', '4000', '8080', '8081'])
      expect(listeners, `a listener on :${port}`).toContain(`127.0.0.1:${port}`);
    for (const address of listeners) expect(address).toMatch(/^(127\.0\.0\.1|\[::1\]):\d+$/);

    // Item 7: no request logs of the long polls, no refused connections, no ignored token.
    const controlLines = run.lines.filter((l) => l.includes('[control]'));
    expect(controlLines.length).toBeLessThanOrEqual(10);
    expect(output).not.toMatch(/ECONNREFUSED/);
    expect(output).not.toContain('PORTICO_BOOTSTRAP_TOKEN ignored');

    // The banner again, on demand, from another terminal.
    const banner = inNamespace(
      run,
      [process.execPath, '--import', 'tsx', 'tooling/scripts/dev.mjs', '--banner'],
      { PORTICO_DEV_STATE_DIR: stateDir },
    );
    expect(banner.status).toBe(0);
    expect(banner.stdout).toContain(`x-api-key: ${key}`);

    // Ctrl-C stops every app, the embedded Postgres included: nothing is left behind.
    expect(await stopDev(run)).toBe(0);
    run = null;
  }, 420_000);

  it('reuses the data on a second run: nothing is created again and the same key works', async () => {
    const keyBefore = readFileSync(join(stateDir, 'demo-key'), 'utf8').trim();
    run = startDev();
    const readyMs = await waitUntilReady(run);
    console.log(`dev stack: second run ready in ${Math.round(readyMs / 1000)} s`);
    const output = run.lines.join('\n');
    expect(output).toContain('seed: demo config already in place');
    expect(output).not.toContain('initialising the embedded PostgreSQL');
    expect(output).not.toMatch(/seed: created/);
    expect(output).not.toContain('demo API key written');
    expect(readFileSync(join(stateDir, 'demo-key'), 'utf8').trim()).toBe(keyBefore);
    expect(statusOf(run, '/payments/charges', keyBefore)).toBe('200');
  }, 420_000);
});
