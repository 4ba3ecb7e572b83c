/**
 * Gateway soak: does resident memory stay flat under sustained load?
 *
 * Starts nginx as a static upstream and the gateway bundle with the full-policy config of
 * gateway-bench.ts (key auth, a plan with rate limit and quota checked and counted in Redis on
 * every request, analytics on), warms it up, then drives it with wrk in consecutive slices. After
 * the warm-up and after every slice it samples the resident memory of the cluster primary and of
 * each worker (/proc), the slice's requests/s and failures, and each worker's /metrics on the
 * status listener. It ends with a table, a verdict (growth and least-squares slope of RSS against
 * the thresholds below) and JSON in bench/results/. Only 127.0.0.1 is used; Ctrl-C stops the load
 * and cleans up.
 *
 *   npx tsx bench/gateway/gateway-soak.ts [--seconds 600] [--slice-seconds 30]
 *     [--warmup-seconds 20] [--connections 64] [--workers 2]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { freePort } from '@portico/testkit';
import { machineAtEnd, round, writeResult } from './bench-report';
import { createBenchRun, removeBenchRun, signalChildren, stopChildren } from './bench-run';
import { buildGatewayBundle, startGateway } from './gateway-process';
import { ensureTools, startNginx } from './reference-servers';
import {
  gatewayProcesses,
  mb,
  sampleGatewayMetrics,
  sampleMemory,
  trimBenchQueue,
} from './soak-sampling';
import {
  CONCLUSIVE_MINUTES,
  MAX_GROWTH_PERCENT,
  MAX_SLOPE_MB_PER_MINUTE,
  printSeries,
  printTable,
  type Sample,
  type SliceResult,
  summariseSamples,
} from './soak-verdict';
import { parseWrk, parseWrkRequests, wrkArgs } from './wrk';

/** How often resident memory is read while a slice runs (the readings go to the JSON). */
const RSS_POLL_MS = 2_000;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    'slice-seconds': { type: 'string', default: '30' },
    'warmup-seconds': { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    workers: { type: 'string', default: '2' },
  },
});

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const SECONDS = positiveInteger('seconds', values.seconds);
const SLICE_SECONDS = Math.min(SECONDS, positiveInteger('slice-seconds', values['slice-seconds']));
const WARMUP_SECONDS = positiveInteger('warmup-seconds', values['warmup-seconds']);
const CONNECTIONS = positiveInteger('connections', values.connections);
const WORKERS = positiveInteger('workers', values.workers);
const WRK_THREADS = 2;

const run = createBenchRun();
/** Set by the first Ctrl-C (or SIGTERM): the running wrk is stopped and the run winds down. */
let interrupted = false;
let interruptedAt = 0;
/** Set when the gateway exits on its own: nothing after that would measure it. */
let gatewayExit: string | null = null;
let currentWrk: ChildProcess | null = null;
/**
 * npx, npm and tsx each relay the Ctrl-C the terminal already sent to the whole process group,
 * so one keypress arrives here several times within milliseconds; only a signal after this long
 * is a second keypress.
 */
const RELAYED_SIGNAL_WINDOW_MS = 3_000;

class RunStopped extends Error {}

function onSignal(): void {
  if (interrupted) {
    if (Date.now() - interruptedAt < RELAYED_SIGNAL_WINDOW_MS) return;
    // A second Ctrl-C: no more waiting for the wind-down (the exit handler still stops children).
    process.exit(130);
  }
  interrupted = true;
  interruptedAt = Date.now();
  console.log('\ninterrupted: stopping the load, then cleaning up (Ctrl-C again to quit at once)');
  currentWrk?.kill('SIGTERM');
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', () => signalChildren(run));

function checkRunning(): void {
  if (gatewayExit !== null) throw new Error(`the gateway exited during the soak (${gatewayExit})`);
  if (interrupted) throw new RunStopped();
}

/** One wrk slice, run asynchronously so Ctrl-C can stop it, with RSS polled while it runs. */
async function wrkSlice(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  primaryPid: number,
): Promise<SliceResult> {
  checkRunning();
  const polls: Record<string, number[]> = {};
  const poll = () => {
    for (const p of sampleMemory(gatewayProcesses(primaryPid))) {
      const series = polls[p.label] ?? [];
      series.push(p.rssMb);
      polls[p.label] = series;
    }
  };
  const timer = setInterval(poll, RSS_POLL_MS);
  const args = wrkArgs({
    url,
    headers,
    threads: WRK_THREADS,
    connections: CONNECTIONS,
    seconds,
    latency: true,
  });
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  currentWrk = child;
  run.children.push(child);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  currentWrk = null;
  clearInterval(timer);
  checkRunning();
  if (code !== 0) throw new Error(`wrk exited with ${code}`);
  const parsed = parseWrk(out);
  return {
    seconds,
    requests: parseWrkRequests(out),
    requestsPerSecond: parsed.requestsPerSecond,
    p50Ms: parsed.p50Ms,
    p99Ms: parsed.p99Ms,
    non2xx: parsed.non2xx,
    socketErrors: parsed.errors,
    rssPollsMb: polls,
  };
}

async function takeSample(
  minute: number,
  primaryPid: number,
  slice: SliceResult | null,
  statusPort: number,
): Promise<Sample> {
  // Looked up again each time: a worker replaced after a crash is measured under its index.
  const processes = gatewayProcesses(primaryPid);
  const memory = sampleMemory(processes);
  // Unclustered (one worker), the primary serves requests itself.
  const servers = processes.length > 1 ? processes.filter((p) => p.label !== 'primary') : processes;
  const gateway = await sampleGatewayMetrics(
    statusPort,
    servers.map((p) => p.pid),
  );
  const loadAverage1m = round(loadavg()[0] ?? 0);
  return {
    minute: round(minute),
    processes: memory,
    totalRssMb: mb(memory.reduce((sum, p) => sum + p.rssMb * 1024, 0)),
    slice,
    gateway,
    loadAverage1m,
    benchQueueTrimmed: await trimBenchQueue(run.queuePrefix),
  };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const loadAverageAtStart = loadavg().map((l) => round(l));
  const slices: number[] = [];
  for (let left = SECONDS; left > 0; left -= SLICE_SECONDS)
    slices.push(Math.min(SLICE_SECONDS, left));
  console.log(
    `soak: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s in ${slices.length} slices of up to ${SLICE_SECONDS} s (wrk -t${WRK_THREADS} -c${CONNECTIONS}), gateway workers: ${WORKERS}; about ${Math.ceil((WARMUP_SECONDS + SECONDS) / 60)} min plus start-up`,
  );
  ensureTools();
  buildGatewayBundle();
  checkRunning();
  const [upstreamPort, nginxPort, gatewayPort, gatewayStatusPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  await startNginx(run, { upstreamPort, proxyPort: nginxPort, workerProcesses: WORKERS });
  const gateway = await startGateway(run, {
    upstreamPort,
    port: gatewayPort,
    statusPort: gatewayStatusPort,
    workers: WORKERS,
    analytics: true,
  });
  gateway.child.once('exit', (code, signal) => {
    if (interrupted) return;
    gatewayExit = `code ${code}, signal ${signal}`;
    currentWrk?.kill('SIGTERM');
  });
  checkRunning();
  const primaryPid = gateway.child.pid ?? 0;
  const processes = gatewayProcesses(primaryPid);
  const labels = processes.map((p) => p.label);
  const initialPids = processes.map((p) => p.pid).join(',');
  if (processes.length !== WORKERS + (WORKERS > 1 ? 1 : 0))
    console.log(`note: expected ${WORKERS} workers, found ${labels.join(', ')}`);
  const url = `http://127.0.0.1:${gatewayPort}/bench/items`;
  const headers = { 'x-api-key': gateway.key };

  console.log(`warming up for ${WARMUP_SECONDS} s`);
  await wrkSlice(url, headers, WARMUP_SECONDS, primaryPid);

  const samples: Sample[] = [await takeSample(0, primaryPid, null, gatewayStatusPort)];
  let replacedWorker = false;
  let elapsedSeconds = 0;
  try {
    for (const [i, seconds] of slices.entries()) {
      const slice = await wrkSlice(url, headers, seconds, primaryPid);
      elapsedSeconds += seconds;
      const sample = await takeSample(elapsedSeconds / 60, primaryPid, slice, gatewayStatusPort);
      samples.push(sample);
      // A worker that crashed was replaced by a fresh one: its memory restarts from zero.
      if (sample.processes.map((p) => p.pid).join(',') !== initialPids) replacedWorker = true;
      const rss = sample.processes.map((p) => `${p.label} ${p.rssMb.toFixed(1)}`).join(', ');
      console.log(
        `slice ${i + 1}/${slices.length}: ${slice.requestsPerSecond} req/s, failed ${slice.non2xx + slice.socketErrors}, RSS MB ${rss}`,
      );
    }
  } catch (error) {
    // Ctrl-C keeps what was measured so far; anything else is a failed run.
    if (!(error instanceof RunStopped)) throw error;
  }

  printTable(samples, labels);
  const { series, total } = summariseSamples(samples, labels);
  const measured = samples.flatMap((s) => (s.slice ? [s.slice] : []));
  const requests = measured.reduce((sum, s) => sum + s.requests, 0);
  const measuredSeconds = measured.reduce((sum, s) => sum + s.seconds, 0);
  const requestsPerSecond = measuredSeconds > 0 ? Math.round(requests / measuredSeconds) : 0;
  const failed = measured.reduce((sum, s) => sum + s.non2xx + s.socketErrors, 0);
  const maxInFlight = Math.max(
    0,
    ...samples.flatMap((s) => s.gateway.map((g) => g.portico_gateway_in_flight_requests ?? 0)),
  );
  const lastDropped = samples[samples.length - 1]?.gateway.reduce(
    (sum, g) => sum + (g.portico_analytics_dropped_total ?? 0),
    0,
  );
  const loadMinutes = elapsedSeconds / 60;
  const flat = samples.length >= 3 && !replacedWorker && series.every((s) => s.flat);
  // What the slope threshold means in bytes kept per request by one worker at the measured rate.
  const bytesPerRequestAtThreshold =
    requestsPerSecond > 0
      ? Math.round((MAX_SLOPE_MB_PER_MINUTE * 1024 * 1024) / ((requestsPerSecond / WORKERS) * 60))
      : null;

  printSeries([...series, total]);
  console.log(
    `load: ${requests} requests in ${loadMinutes.toFixed(1)} min, ${requestsPerSecond} req/s, failed (non-2xx + socket errors) ${failed}; max in-flight between slices ${maxInFlight}; analytics dropped ${lastDropped ?? 'n/a'}`,
  );
  if (bytesPerRequestAtThreshold !== null)
    console.log(
      `at this rate ${MAX_SLOPE_MB_PER_MINUTE} MB/min per worker is about ${bytesPerRequestAtThreshold} bytes kept per request`,
    );
  const verdictReason = interrupted
    ? 'interrupted'
    : replacedWorker
      ? 'a worker was replaced during the run'
      : samples.length < 3
        ? 'fewer than 3 samples'
        : null;
  const worstGrowth = Math.max(...series.map((s) => s.growthPercent));
  const worstSlope = Math.max(...series.map((s) => s.slopeMbPerMinute));
  console.log(
    `verdict: ${flat ? 'flat' : 'NOT flat'}: RSS growth ${total.growthPercent.toFixed(1)}% total (worst process ${worstGrowth.toFixed(1)}%), slope ${total.slopeMbPerMinute.toFixed(3)} MB/min total (worst process ${worstSlope.toFixed(3)}); flat means every process < ${MAX_GROWTH_PERCENT}% and < ${MAX_SLOPE_MB_PER_MINUTE} MB/min${verdictReason ? ` [${verdictReason}]` : ''}${loadMinutes < CONCLUSIVE_MINUTES ? ` [indicative only: ${loadMinutes.toFixed(1)} min of load; ${CONCLUSIVE_MINUTES}+ min are needed to tell a slow leak from GC noise]` : ''}`,
  );

  const trims = samples.flatMap((s) => (s.benchQueueTrimmed ? [s.benchQueueTrimmed.mb] : []));
  const result = {
    benchmark: 'gateway-soak',
    at: new Date().toISOString(),
    interrupted,
    // Other work on the machine skews throughput (not memory much): the load average says how busy it was.
    machine: { ...machineAtEnd(), loadAverageAtStart },
    settings: {
      seconds: SECONDS,
      sliceSeconds: SLICE_SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      wrkThreads: WRK_THREADS,
      gatewayWorkers: WORKERS,
      policy: 'key auth + rate limit + quota (Redis) + analytics',
    },
    thresholds: {
      maxGrowthPercent: MAX_GROWTH_PERCENT,
      maxSlopeMbPerMinute: MAX_SLOPE_MB_PER_MINUTE,
      conclusiveMinutes: CONCLUSIVE_MINUTES,
    },
    verdict: {
      flat,
      reason: verdictReason,
      indicativeOnly: loadMinutes < CONCLUSIVE_MINUTES,
      series,
      total,
      bytesPerRequestAtThreshold,
    },
    load: { minutes: round(loadMinutes), requests, requestsPerSecond, failed, maxInFlight },
    // Nothing consumes the bench's queue: emptied after every sample, this is what it had grown to.
    benchQueueTrimmedMb: {
      largest: Math.max(0, ...trims),
      total: round(trims.reduce((a, b) => a + b, 0)),
    },
    wallSeconds: Math.round((Date.now() - startedAt) / 1000),
    samples,
  };
  writeResult('gateway-soak', result, result.at);
}

main()
  .catch((error: unknown) => {
    if (error instanceof RunStopped) return;
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopChildren(run);
    await removeBenchRun(run);
    if (interrupted) process.exitCode = 130;
  });
