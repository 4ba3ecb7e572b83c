/**
 * Gateway load benchmark, one run, side by side on this machine:
 *   1. the upstream hit directly,
 *   2. Debian's nginx with proxy_pass (keep-alive upstream),
 *   3. the Portico gateway (bundled, PORTICO_GATEWAY_WORKERS workers) with key auth, a plan with
 *      rate limit + quota checked in Redis on every request, and analytics on (BullMQ batches).
 * wrk drives each for a bounded time; then a fixed 2k req/s run measures the latency the gateway
 * adds. The gateway serves a config written as its last-known-good snapshot (no control plane
 * needed for a data-plane bench). Only loopback addresses are used.
 *
 *   npx tsx bench/gateway/gateway-bench.ts [--seconds 10] [--connections 64] [--workers 2]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { snapshotHash } from '@portico/config';
import { generateSecret } from '@portico/keys';
import { Redis } from 'ioredis';
import { Pool } from 'undici';

const BENCH_QUEUE_PREFIX = `{portico-bench-${process.pid}}`;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    workers: { type: 'string', default: '2' },
    rate: { type: 'string', default: '2000' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const WORKERS = Number(values.workers);
const FIXED_RATE = Number(values.rate);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'portico-bench-'));
const children: ChildProcess[] = [];

function cleanup(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(url: string, expectStatus: number, timeoutMs = 60_000): Promise<void> {
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

function ensureTools(): void {
  const missing = ['nginx', 'wrk'].filter((tool) => {
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

/** One nginx: a static upstream server and a proxy_pass server in front of it. */
async function startNginx(upstreamPort: number, proxyPort: number): Promise<void> {
  const dir = join(work, 'nginx');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const conf = `
worker_processes ${WORKERS};
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
  children.push(child);
  await waitFor(`http://127.0.0.1:${upstreamPort}/`, 200);
  await waitFor(`http://127.0.0.1:${proxyPort}/`, 200);
}

/** Writes the gateway's last-known-good snapshot: one keyed API, a plan with rate limit and quota. */
function writeGatewayState(stateDir: string, upstreamPort: number): string {
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
    ],
    plans: [
      {
        id: 'pln_bench',
        name: 'bench',
        apiIds: ['api_bench'],
        // Far above what the run can send: every request is checked and counted, none refused.
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

async function startGateway(
  upstreamPort: number,
  port: number,
  statusPort: number,
  analytics: boolean,
): Promise<{ key: string; child: ChildProcess }> {
  const stateDir = join(work, `gateway-state-${port}`);
  const key = writeGatewayState(stateDir, upstreamPort);
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
      PORTICO_GATEWAY_WORKERS: String(WORKERS),
      PORTICO_GATEWAY_NODE_ID: `bench-${port}`,
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORTICO_ANALYTICS_ENABLED: analytics ? 'true' : 'false',
      // Its own queue, so a local worker never counts bench traffic as real usage.
      PORTICO_QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${statusPort}/readyz`, 200);
  return { key, child };
}

interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

function parseLatency(text: string, label: string): number {
  const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

function wrk(url: string, headers: Record<string, string>): WrkResult {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
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

/** Open-loop load at a fixed rate: latency without the saturation effects of a closed loop. */
async function fixedRate(
  origin: string,
  path: string,
  headers: Record<string, string>,
  rate: number,
  seconds: number,
) {
  const pool = new Pool(origin, { connections: 64 });
  const latencies: number[] = [];
  let failures = 0;
  const total = rate * seconds;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(
      pool.request({ method: 'GET', path, headers }).then(
        async (res) => {
          await res.body.dump();
          if (res.statusCode !== 200) failures++;
          latencies.push(performance.now() - sent);
        },
        () => {
          failures++;
        },
      ),
    );
  }
  await Promise.all(pending);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { rate, requests: total, failures, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Resident memory of a process and its children (the cluster workers), in MB. */
function rssMb(pid: number): number {
  let total = 0;
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
  for (const p of pids) {
    const status = existsSync(`/proc/${p}/status`) ? readFileSync(`/proc/${p}/status`, 'utf8') : '';
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    total += Number(match?.[1] ?? 0);
  }
  return Math.round(total / 1024);
}

async function main(): Promise<void> {
  ensureTools();
  console.log('building the gateway bundle');
  execFileSync('npm', ['run', 'build', '--silent', '-w', 'apps/gateway'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const [upstreamPort, nginxPort, gatewayPort, gatewayStatusPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  await startNginx(upstreamPort, nginxPort);
  const gateway = await startGateway(upstreamPort, gatewayPort, gatewayStatusPort, true);
  const keyHeader = { 'x-api-key': gateway.key };

  // Warm every path (connections, JIT) before measuring.
  const warm = Math.max(2, Math.round(SECONDS / 3));
  const warmRun = (url: string, headers: Record<string, string>) =>
    execFileSync(
      'wrk',
      [
        '-t2',
        '-c16',
        `-d${warm}s`,
        ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
        url,
      ],
      { stdio: 'ignore' },
    );
  warmRun(`http://127.0.0.1:${gatewayPort}/bench/items`, keyHeader);

  const memoryBefore = rssMb(gateway.child.pid ?? 0);
  console.log(
    `wrk: ${CONNECTIONS} connections, ${SECONDS} s per target, gateway workers: ${WORKERS}`,
  );
  const direct = wrk(`http://127.0.0.1:${upstreamPort}/items`, {});
  const nginx = wrk(`http://127.0.0.1:${nginxPort}/items`, {});
  const portico = wrk(`http://127.0.0.1:${gatewayPort}/bench/items`, keyHeader);
  const porticoNoPolicy = wrk(`http://127.0.0.1:${gatewayPort}/open/items`, {});
  const memoryAfter = rssMb(gateway.child.pid ?? 0);

  const rateSeconds = Math.max(3, Math.round(SECONDS / 2));
  console.log(`fixed rate: ${FIXED_RATE} req/s for ${rateSeconds} s`);
  const directAtRate = await fixedRate(
    `http://127.0.0.1:${upstreamPort}`,
    '/items',
    {},
    FIXED_RATE,
    rateSeconds,
  );
  const porticoAtRate = await fixedRate(
    `http://127.0.0.1:${gatewayPort}`,
    '/bench/items',
    keyHeader,
    FIXED_RATE,
    rateSeconds,
  );

  const metrics = await (await fetch(`http://127.0.0.1:${gatewayStatusPort}/metrics`)).text();
  const analyticsRecorded =
    metrics.match(/^portico_analytics_\w*recorded\w*\s+(\d+)/m)?.[1] ?? null;

  const rows = [
    ['upstream direct', direct],
    ['nginx proxy_pass', nginx],
    ['portico (key + rate limit + quota + analytics)', portico],
    ['portico (no auth, no limits, analytics on)', porticoNoPolicy],
  ] as const;
  console.log(
    '\ntarget                                          req/s      p50 ms   p99 ms   non-2xx  errors',
  );
  for (const [name, r] of rows) {
    console.log(
      `${name.padEnd(48)}${String(r.requestsPerSecond).padStart(7)}  ${r.p50Ms.toFixed(3).padStart(8)} ${r.p99Ms.toFixed(3).padStart(8)} ${String(r.non2xx).padStart(8)} ${String(r.errors).padStart(7)}`,
    );
  }
  const ratio = portico.requestsPerSecond / nginx.requestsPerSecond;
  const addedP50 = porticoAtRate.p50Ms - directAtRate.p50Ms;
  console.log(`\nportico full policy / nginx: ${ratio.toFixed(3)} (goal >= 0.333)`);
  console.log(
    `portico full policy / direct: ${(portico.requestsPerSecond / direct.requestsPerSecond).toFixed(3)}`,
  );
  console.log(
    `at ${FIXED_RATE} req/s: direct p50 ${directAtRate.p50Ms} ms, portico p50 ${porticoAtRate.p50Ms} ms, added ${addedP50.toFixed(3)} ms (goal <= 0.5); failures ${porticoAtRate.failures}`,
  );
  console.log(
    `gateway RSS (all processes): ${memoryBefore} MB before the runs, ${memoryAfter} MB after`,
  );

  const result = {
    benchmark: 'gateway',
    at: new Date().toISOString(),
    // Other work on the machine skews every figure: the load average says how busy it was.
    machine: {
      cores: availableParallelism(),
      node: process.version,
      loadAverageAtEnd: loadavg().map((l) => round(l)),
    },
    settings: {
      seconds: SECONDS,
      connections: CONNECTIONS,
      gatewayWorkers: WORKERS,
      fixedRate: FIXED_RATE,
      fixedRateSeconds: rateSeconds,
    },
    throughput: Object.fromEntries(rows.map(([name, r]) => [name, r])),
    ratios: {
      porticoOverNginx: round(ratio),
      porticoOverDirect: round(portico.requestsPerSecond / direct.requestsPerSecond),
    },
    fixedRate: { direct: directAtRate, portico: porticoAtRate, addedP50Ms: round(addedP50) },
    gatewayMemoryMb: { before: memoryBefore, after: memoryAfter },
    analyticsRecordedMetric: analyticsRecorded,
  };
  const resultsDir = join(ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `gateway-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten ${file}`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    cleanup();
    rmSync(work, { recursive: true, force: true });
    await dropBenchQueue();
  });

/** Removes the bench's analytics jobs from Redis; they were never meant to be counted. */
async function dropBenchQueue(): Promise<void> {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${BENCH_QUEUE_PREFIX}*`,
        'COUNT',
        500,
      );
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis already gone: nothing was left behind that matters.
  } finally {
    redis.disconnect();
  }
}
