/**
 * The gateway's throughput with analytics on vs off, in the same run.
 *
 * Runs the real gateway process (one worker process, booted from a snapshot on disk) in front
 * of a local upstream, alternating analytics off / on / off / on, and drives each with the same
 * closed-loop load (CONCURRENCY keep-alive connections, REQUESTS requests). With analytics on,
 * events go to a private redis-server (nothing reads them; the queue just grows). Bounded: a
 * fixed number of requests per round. Writes JSON to bench/results/.
 *
 * Run: npx tsx bench/analytics/gateway-overhead.ts [requests=5000] [concurrency=32] [rounds=2]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  forwardingGatewayState,
  RedisServer,
  startGatewayProcess,
  writeLastKnownGood,
} from '@portico/testkit';
import { Pool } from 'undici';
import { benchMachine } from './analytics-bench-machine';

const REQUESTS = Number(process.argv[2] ?? 5_000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const ROUNDS = Number(process.argv[4] ?? 2);
const WARMUP = 500;

interface Round {
  analytics: 'on' | 'off';
  requestsPerSecond: number;
  gatewayCpuMsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  non200: number;
  eventsRecorded: number | null;
  eventsDropped: number | null;
}

async function drive(url: string, n: number) {
  const pool = new Pool(url, { connections: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  let non200 = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next++;
        const t = performance.now();
        const res = await pool.request({ path: `/items/${next}`, method: 'GET' });
        await res.body.dump();
        latencies.push(performance.now() - t);
        if (res.statusCode !== 200) non200++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (q: number) =>
    Math.round((latencies[Math.floor(latencies.length * q)] ?? 0) * 100) / 100;
  return { requestsPerSecond: Math.round(n / seconds), p50Ms: pct(0.5), p99Ms: pct(0.99), non200 };
}

/** CPU time (user + system, ms) a process has used so far; robust to a busy machine, unlike wall time. */
function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function metric(text: string, name: string): number | null {
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

async function main() {
  const upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const redis = await RedisServer.start();
  const stateDir = await mkdtemp(join(tmpdir(), 'portico-bench-gw-'));
  await writeLastKnownGood(
    stateDir,
    forwardingGatewayState((upstream.address() as AddressInfo).port, 'api_bench'),
  );
  const rounds: Round[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const analytics of ['off', 'on'] as const) {
        const gateway = await startGatewayProcess({
          stateDir,
          env: {
            PORTICO_GATEWAY_NODE_ID: 'dpn_bench',
            PORTICO_ANALYTICS_ENABLED: analytics === 'on' ? 'true' : 'false',
            REDIS_URL: redis.url,
          },
        });
        try {
          await drive(gateway.url, WARMUP);
          const pid = gateway.child.pid ?? 0;
          const cpuBefore = cpuMs(pid);
          const result = await drive(gateway.url, REQUESTS);
          const gatewayCpuMsPerRequest =
            Math.round(((cpuMs(pid) - cpuBefore) / REQUESTS) * 1000) / 1000;
          const metrics = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
          rounds.push({
            analytics,
            ...result,
            gatewayCpuMsPerRequest,
            eventsRecorded: metric(metrics, 'portico_analytics_events_total'),
            eventsDropped: metric(metrics, 'portico_analytics_dropped_total'),
          });
        } finally {
          gateway.child.kill('SIGTERM');
          await gateway.exited;
        }
      }
    }
  } finally {
    upstream.close();
    await redis.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
  const meanOf = (mode: 'on' | 'off', pick: (r: Round) => number) => {
    const xs = rounds.filter((x) => x.analytics === mode).map(pick);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const mean = (mode: 'on' | 'off') => Math.round(meanOf(mode, (r) => r.requestsPerSecond));
  const cpu = (mode: 'on' | 'off') =>
    Math.round(meanOf(mode, (r) => r.gatewayCpuMsPerRequest) * 1000) / 1000;
  const result = {
    benchmark: 'gateway-analytics-overhead',
    at: new Date().toISOString(),
    machine: { ...benchMachine(), loadAverage: os.loadavg() },
    settings: { requests: REQUESTS, warmup: WARMUP, concurrency: CONCURRENCY, rounds: ROUNDS },
    rounds,
    meanRequestsPerSecond: { off: mean('off'), on: mean('on') },
    overheadPercent: Math.round((1 - mean('on') / mean('off')) * 1000) / 10,
    meanGatewayCpuMsPerRequest: { off: cpu('off'), on: cpu('on') },
    cpuOverheadPercent: Math.round((cpu('on') / cpu('off') - 1) * 1000) / 10,
    note: 'Load generator, gateway, upstream and Redis share one 2-core machine with other work; compare on/off within this run only.',
  };
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}gateway-analytics-overhead-${result.at.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
