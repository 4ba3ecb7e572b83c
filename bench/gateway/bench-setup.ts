/**
 * What the gateway benchmarks share: free loopback ports, Debian's nginx as a static upstream,
 * the gateway bundle booted from a last-known-good snapshot (no control plane), wrk runs and their
 * parsing, the resident memory of the gateway's process tree, and the cleanup of what a run leaves
 * (child processes, the temporary directory, the bench's own analytics queue in Redis).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotHash } from '@portico/config';
import { generateSecret } from '@portico/keys';
import { Redis } from 'ioredis';

/** The repository root, so runs behave the same whatever the working directory. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The local Redis every benchmark shares with the rest of the machine; only the bench's keys are touched. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** One run's private pieces: a temporary directory, a queue prefix and the processes it started. */
export interface BenchRun {
  readonly work: string;
  readonly queuePrefix: string;
  readonly children: ChildProcess[];
}

/** Creates the temporary directory and the per-process queue prefix of one run. */
export function createBenchRun(): BenchRun {
  return {
    work: mkdtempSync(join(tmpdir(), 'portico-bench-')),
    queuePrefix: `{portico-bench-${process.pid}}`,
    children: [],
  };
}

/** Sends SIGTERM to every child still running; synchronous, so it also works in an `exit` handler. */
export function signalChildren(run: BenchRun): void {
  for (const child of run.children) if (child.exitCode === null) child.kill('SIGTERM');
}

/**
 * SIGTERMs the children and waits for them to exit (SIGKILL after `timeoutMs`): a gateway flushes
 * its analytics buffer on SIGTERM, and the queue may only be dropped once nothing writes to it.
 */
export async function stopChildren(run: BenchRun, timeoutMs = 15_000): Promise<void> {
  const running = run.children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = running.map(
    (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
  );
  for (const child of running) child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([Promise.all(exited), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout')
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
}

/** Removes the temporary directory and the bench's analytics queue. */
export async function removeBenchRun(run: BenchRun): Promise<void> {
  rmSync(run.work, { recursive: true, force: true });
  await dropBenchQueue(run.queuePrefix);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitFor(
  url: string,
  expectStatus: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === expectStatus) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer ${expectStatus} in time`);
}

/** Installs nginx and wrk from Debian packages when either is missing. */
export function ensureTools(): void {
  const missing = ['nginx', 'wrk', 'caddy', 'haproxy'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    console.log(`installing ${missing.join(', ')} from Debian packages`);
    execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  }
}

/** Builds `apps/gateway/dist/main.mjs`, the bundle the benchmarks run. */
export function buildGatewayBundle(): void {
  console.log('building the gateway bundle');
  execFileSync('npm', ['run', 'build', '--silent', '-w', 'apps/gateway'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** One nginx: a static upstream server and a proxy_pass server in front of it. */
export async function startNginx(
  run: BenchRun,
  options: { upstreamPort: number; proxyPort: number; workerProcesses: number },
): Promise<void> {
  const { upstreamPort, proxyPort } = options;
  const dir = join(run.work, 'nginx');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const conf = `
worker_processes ${options.workerProcesses};
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${upstreamPort};
    location / { default_type application/json; return 200 '{"ok":true,"service":"bench-upstream"}'; }
  }
  server {
    listen 127.0.0.1:${proxyPort};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  run.children.push(child);
  await waitFor(`http://127.0.0.1:${upstreamPort}/`, 200);
  await waitFor(`http://127.0.0.1:${proxyPort}/`, 200);
}

/** Starts Debian's Caddy with a bare `reverse_proxy` to the upstream (a reference). */
export async function startCaddy(
  run: BenchRun,
  options: { upstreamPort: number; proxyPort: number },
): Promise<void> {
  const dir = join(run.work, 'caddy');
  mkdirSync(dir, { recursive: true });
  // No admin endpoint and no automatic HTTPS: one plain-HTTP site on loopback.
  const conf = `{
	admin off
	auto_https off
}
http://127.0.0.1:${options.proxyPort} {
	reverse_proxy 127.0.0.1:${options.upstreamPort}
}
`;
  writeFileSync(join(dir, 'Caddyfile'), conf);
  const child = spawn(
    'caddy',
    ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    {
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  run.children.push(child);
  await waitFor(`http://127.0.0.1:${options.proxyPort}/`, 200);
}

/** Starts Debian's HAProxy in HTTP mode with keep-alive to the upstream (a reference). */
export async function startHaproxy(
  run: BenchRun,
  options: { upstreamPort: number; proxyPort: number; threads: number },
): Promise<void> {
  const dir = join(run.work, 'haproxy');
  mkdirSync(dir, { recursive: true });
  const conf = `global
  nbthread ${options.threads}
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend bench
  bind 127.0.0.1:${options.proxyPort}
  default_backend app
backend app
  server up 127.0.0.1:${options.upstreamPort}
`;
  writeFileSync(join(dir, 'haproxy.cfg'), conf);
  const child = spawn('haproxy', ['-f', join(dir, 'haproxy.cfg'), '-db'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  run.children.push(child);
  await waitFor(`http://127.0.0.1:${options.proxyPort}/`, 200);
}

/** Starts bare Fastify + @fastify/http-proxy (the Node reference) in front of the upstream. */
export async function startFastifyProxy(
  run: BenchRun,
  options: { upstreamPort: number; proxyPort: number; workers: number },
): Promise<void> {
  const script = join(ROOT, 'bench/gateway/fastify-proxy-reference.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      script,
      String(options.proxyPort),
      String(options.upstreamPort),
      String(options.workers),
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  run.children.push(child);
  await waitFor(`http://127.0.0.1:${options.proxyPort}/`, 200);
}

/**
 * The MCP endpoint `--mcp` adds to the keyed API (`/bench/mcp`): one tool for the same
 * operation the REST requests call, so a tool call and a REST call differ only in how they ask.
 */
const BENCH_MCP = {
  path: '/mcp',
  tools: [
    {
      name: 'getItem',
      operation: 'getItem',
      method: 'GET',
      path: '/items/{id}',
      params: [{ name: 'id', in: 'path' }],
      inputSchema: {
        type: 'object',
        properties: { id: { type: 'string', minLength: 1 } },
        required: ['id'],
        additionalProperties: false,
      },
    },
  ],
};

/**
 * Writes the gateway's last-known-good snapshot: a keyed API (`/bench`) under a plan with rate
 * limit and quota, and an open API (`/open`) with no auth and no plan, plus `extraApis` (on
 * service `svc_bench`, in the same plan); with `mcp`, the keyed API also answers MCP. Returns
 * the clear API key.
 */
export function writeGatewayState(
  stateDir: string,
  upstreamPort: number,
  extras: { mcp?: boolean; extraApis?: readonly { id: string }[] } = {},
): string {
  const mcp = extras.mcp ?? false;
  const extraApis = extras.extraApis ?? [];
  const key = generateSecret('apiKey');
  const snapshot = {
    schemaVersion: 1,
    registries: [],
    services: [
      { id: 'svc_bench', name: 'bench', targets: [{ host: '127.0.0.1', port: upstreamPort }] },
    ],
    apis: [
      {
        id: 'api_bench',
        name: 'bench-api',
        slug: 'bench',
        basePath: '/bench',
        serviceId: 'svc_bench',
        auth: { type: 'key' },
        routes: [],
        ...(mcp ? { mcp: BENCH_MCP } : {}),
      },
      {
        id: 'api_open',
        name: 'open-api',
        slug: 'open',
        basePath: '/open',
        serviceId: 'svc_bench',
        auth: { type: 'none' },
        routes: [],
      },
      ...extraApis,
    ],
    plans: [
      {
        id: 'pln_bench',
        name: 'bench',
        apiIds: ['api_bench', ...extraApis.map((a) => a.id)],
        // Far above what the run can send: every request is counted against both limits (this
        // busy key mostly through leases), none refused.
        rateLimit: { requests: 1_000_000_000, per: 'second' },
        quota: { requests: 1_000_000_000_000, per: 'month' },
        redisFailurePolicy: 'open',
      },
    ],
  };
  const published = {
    version: 1,
    hash: snapshotHash(snapshot),
    publishedAt: new Date().toISOString(),
    snapshot,
    secrets: { registries: {}, jwtSecrets: {} },
  };
  const credentials = {
    seq: 1,
    set: {
      consumers: [{ id: 'con_bench', name: 'bench', status: 'active' }],
      keys: [{ id: 'key_bench', consumerId: 'con_bench', hash: key.hash, expiresAt: null }],
      subscriptions: [{ id: 'sub_bench', consumerId: 'con_bench', planId: 'pln_bench' }],
    },
  };
  const payload = JSON.stringify({ published, credentials });
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(
    join(stateDir, 'last-known-good.json'),
    JSON.stringify({
      format: 1,
      savedAt: new Date().toISOString(),
      checksum: createHash('sha256').update(payload).digest('hex'),
      payload,
    }),
  );
  return key.clear;
}

/** Starts the gateway bundle on loopback from a fresh snapshot and waits until it is ready. */
export async function startGateway(
  run: BenchRun,
  options: {
    upstreamPort: number;
    port: number;
    statusPort: number;
    workers: number;
    analytics: boolean;
    /** Adds the MCP endpoint `/bench/mcp` to the keyed API. */
    mcp?: boolean;
    /** More APIs on the bench service, in the bench plan (see writeGatewayState). */
    extraApis?: readonly { id: string }[];
  },
): Promise<{ key: string; child: ChildProcess }> {
  const { port, statusPort } = options;
  const stateDir = join(run.work, `gateway-state-${port}`);
  const key = writeGatewayState(stateDir, options.upstreamPort, {
    mcp: options.mcp ?? false,
    ...(options.extraApis ? { extraApis: options.extraApis } : {}),
  });
  const child = spawn(process.execPath, [join(ROOT, 'apps/gateway/dist/main.mjs')], {
    cwd: join(ROOT, 'apps/gateway'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORTICO_CONTROL_URL: 'http://127.0.0.1:9',
      PORTICO_DP_TOKEN: 'pdp_bench',
      PORTICO_GATEWAY_PORT: String(port),
      PORTICO_GATEWAY_STATUS_PORT: String(statusPort),
      PORTICO_GATEWAY_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATUS_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATE_DIR: stateDir,
      PORTICO_GATEWAY_WORKERS: String(options.workers),
      PORTICO_GATEWAY_NODE_ID: `bench-${port}`,
      REDIS_URL: REDIS_URL,
      PORTICO_ANALYTICS_ENABLED: options.analytics ? 'true' : 'false',
      // Its own queue, so a local worker never counts bench traffic as real usage.
      PORTICO_QUEUE_PREFIX: run.queuePrefix,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  run.children.push(child);
  await waitFor(`http://127.0.0.1:${statusPort}/readyz`, 200);
  return { key, child };
}

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** wrk's command line: `-t<threads> -c<connections> -d<seconds>s [--latency] [-H …] url`. */
export function wrkArgs(options: {
  url: string;
  headers: Record<string, string>;
  threads: number;
  connections: number;
  seconds: number;
  latency: boolean;
}): string[] {
  const args = [`-t${options.threads}`, `-c${options.connections}`, `-d${options.seconds}s`];
  if (options.latency) args.push('--latency');
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  return args;
}

function parseLatency(text: string, label: string): number {
  const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/** Reads requests/s, p50/p99 (with `--latency`), non-2xx responses and socket errors from wrk's output. */
export function parseWrk(out: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requestsPerSecond: Math.round(Number(rps?.[1] ?? 0)),
    p50Ms: parseLatency(out, '50'),
    p99Ms: parseLatency(out, '99'),
    non2xx: Number(non2xx?.[1] ?? 0),
    errors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

/** Total requests wrk completed (`N requests in …`), or 0 when the line is missing. */
export function parseWrkRequests(out: string): number {
  return Number(/(\d+) requests in /.exec(out)?.[1] ?? 0);
}

/** One blocking wrk run with `--latency`. */
export function runWrk(options: {
  url: string;
  headers: Record<string, string>;
  threads: number;
  connections: number;
  seconds: number;
}): WrkResult {
  const out = execFileSync('wrk', wrkArgs({ ...options, latency: true }), { encoding: 'utf8' });
  return parseWrk(out);
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** A process and its direct children (for the gateway: the cluster primary and its workers). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    const kids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
    pids.push(...kids.map(Number));
  } catch {
    // no children
  }
  return pids;
}

/** Resident and peak resident memory of one process from /proc, in kB; null once it is gone. */
export function processMemoryKb(pid: number): { rssKb: number; peakRssKb: number } | null {
  const path = `/proc/${pid}/status`;
  if (!existsSync(path)) return null;
  let status: string;
  try {
    status = readFileSync(path, 'utf8');
  } catch {
    // It exited between the check and the read.
    return null;
  }
  return {
    rssKb: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0),
    peakRssKb: Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0),
  };
}

/** Resident memory of a process and its children (the cluster workers), in MB. */
export function rssMb(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) total += processMemoryKb(p)?.rssKb ?? 0;
  return Math.round(total / 1024);
}

/**
 * Hands the keys under the bench's queue prefix to `visit`, one SCAN page at a time. False when
 * Redis could not be reached (then nothing the bench wrote can be there to clean up either).
 */
export async function forEachBenchQueuePage(
  queuePrefix: string,
  visit: (redis: Redis, keys: string[]) => Promise<void>,
): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await visit(redis, keys);
    } while (cursor !== '0');
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Removes the bench's analytics jobs from Redis; they were never meant to be counted. */
export async function dropBenchQueue(queuePrefix: string): Promise<void> {
  await forEachBenchQueuePage(queuePrefix, async (redis, keys) => {
    await redis.del(...keys);
  });
}

/**
 * A counter or gauge from a Prometheus text exposition: the series with exactly `labels` (as
 * written between the braces) when given, else the sum over all its label sets; undefined when
 * absent.
 */
export function readMetric(text: string, name: string, labels?: string): number | undefined {
  const labelPart =
    labels === undefined
      ? '(?:\\{[^}]*\\})?'
      : `\\{${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\}`;
  const pattern = new RegExp(`^${name}${labelPart}\\s+([-\\d.eE+]+)$`, 'gm');
  let total: number | undefined;
  for (const match of text.matchAll(pattern)) total = (total ?? 0) + Number(match[1]);
  return total;
}
