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
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import {
  buildGatewayBundle,
  createBenchRun,
  ensureTools,
  forEachBenchQueuePage,
  freePort,
  parseWrk,
  parseWrkRequests,
  processMemoryKb,
  processTree,
  ROOT,
  readMetric,
  removeBenchRun,
  round,
  signalChildren,
  startGateway,
  startNginx,
  stopChildren,
  wrkArgs,
} from './bench-setup';

/*
 * "Flat" thresholds, applied to every gateway process on its own (a leak in one worker must not
 * hide behind the others). A leak is a steady climb, so the least-squares slope is the main test:
 * a worker here serves 3,000-5,000 req/s, at which 1 MB/min is 3-6 bytes kept per request, while
 * a real per-request leak (a map entry, a listener, a closure: a hundred bytes or more) climbs by
 * 20 MB a minute or more. What the threshold must stay above is GC noise: a worker's RSS, sampled after each slice, moves by a few
 * MB on a quiet machine and by 10-25 MB on a busy one, which over 20 samples in ten minutes puts
 * the slope's error between 0.2 and 0.8 MB/min. The growth cap (first sample to last) catches a
 * step the slope smooths over, such as a pool or cache filling up after the warm-up, once it is
 * more than a tenth of the process (~14 MB for a worker).
 */
const MAX_GROWTH_PERCENT = 10;
const MAX_SLOPE_MB_PER_MINUTE = 1;
/** Below this much load the slope is mostly GC noise: the verdict is printed as indicative only. */
const CONCLUSIVE_MINUTES = 5;
/** How often resident memory is read while a slice runs (the readings go to the JSON). */
const RSS_POLL_MS = 2_000;
/** Metrics read from each worker's /metrics after every slice (summed over label sets). */
const GATEWAY_METRICS = [
  'portico_gateway_in_flight_requests',
  'portico_limiter_in_flight',
  'portico_analytics_events_total',
  'portico_analytics_dropped_total',
  'portico_analytics_buffered_events',
  'portico_response_cache_memory_bytes',
] as const;
type GatewayMetricName = (typeof GATEWAY_METRICS)[number];

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

interface GatewayProcess {
  /** `primary`, or `worker <PORTICO_GATEWAY_WORKER_INDEX>`. */
  label: string;
  pid: number;
}

/** The primary and its cluster workers, labelled by worker index so a replaced worker keeps its column. */
function gatewayProcesses(primaryPid: number): GatewayProcess[] {
  const workers = processTree(primaryPid)
    .filter((pid) => pid !== primaryPid)
    .map((pid) => ({ label: `worker ${workerIndex(pid) ?? `pid ${pid}`}`, pid }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return [{ label: 'primary', pid: primaryPid }, ...workers];
}

function workerIndex(pid: number): string | null {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const entry = environ.find((e) => e.startsWith('PORTICO_GATEWAY_WORKER_INDEX='));
    return entry?.slice('PORTICO_GATEWAY_WORKER_INDEX='.length) ?? null;
  } catch {
    return null;
  }
}

function mb(kb: number): number {
  return Math.round((kb / 1024) * 10) / 10;
}

interface ProcessMemory {
  label: string;
  pid: number;
  rssMb: number;
  peakRssMb: number;
}

function sampleMemory(processes: GatewayProcess[]): ProcessMemory[] {
  return processes.map(({ label, pid }) => {
    const memory = processMemoryKb(pid);
    return {
      label,
      pid,
      rssMb: mb(memory?.rssKb ?? 0),
      peakRssMb: mb(memory?.peakRssKb ?? 0),
    };
  });
}

type WorkerMetrics = { pid: number } & Partial<Record<GatewayMetricName, number>>;

/**
 * Each worker serves the status port on the shared socket, so one request reaches whichever
 * worker accepted the connection. /status (which names the pid) and /metrics are read on one
 * keep-alive connection so both come from the same worker; fresh connections are tried until
 * every worker answered or the attempts run out.
 */
async function sampleGatewayMetrics(
  statusPort: number,
  workerPids: number[],
): Promise<WorkerMetrics[]> {
  const byPid = new Map<number, WorkerMetrics>();
  const attempts = Math.max(8, workerPids.length * 6);
  for (let i = 0; i < attempts && byPid.size < workerPids.length; i++) {
    const client = new Client(`http://127.0.0.1:${statusPort}`, { pipelining: 1 });
    try {
      const status = await client.request({ method: 'GET', path: '/status' });
      const { pid } = (await status.body.json()) as { pid: number };
      const metrics = await client.request({ method: 'GET', path: '/metrics' });
      const text = await metrics.body.text();
      if (byPid.has(pid)) continue;
      const sample: WorkerMetrics = { pid };
      for (const name of GATEWAY_METRICS) {
        const value = readMetric(text, name);
        if (value !== undefined) sample[name] = value;
      }
      byPid.set(pid, sample);
    } catch {
      // A worker between connections or being replaced: the next attempt tries again.
    } finally {
      await client.close();
    }
  }
  return [...byPid.values()];
}

interface SliceResult {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
  /** RSS read every RSS_POLL_MS while the load ran, per process: the GC sawtooth behind a sample. */
  rssPollsMb: Record<string, number[]>;
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

interface Sample {
  /** Minutes of measured load before this sample (0: right after the warm-up). */
  minute: number;
  processes: ProcessMemory[];
  totalRssMb: number;
  slice: SliceResult | null;
  gateway: WorkerMetrics[];
  loadAverage1m: number;
  /** What the bench's analytics queue held in Redis when it was emptied after this sample. */
  benchQueueTrimmed: { keys: number; mb: number } | null;
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

/** Least-squares slope of y against x; 0 with fewer than two points. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - meanX;
    num += dx * ((ys[i] ?? 0) - meanY);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}

interface SeriesSummary {
  label: string;
  firstMb: number;
  lastMb: number;
  growthPercent: number;
  slopeMbPerMinute: number;
  /**
   * Slope of the lowest RSS seen in each slice: less exposed to where in its GC cycle a process
   * happens to be when sampled, so it backs up (or questions) the sampled slope. Not in the verdict.
   */
  floorSlopeMbPerMinute: number | null;
  flat: boolean;
}

function summarise(
  label: string,
  minutes: number[],
  mbs: number[],
  floor: { minutes: number[]; mbs: number[] } | null,
): SeriesSummary {
  const first = mbs[0] ?? 0;
  const last = mbs[mbs.length - 1] ?? 0;
  const growthPercent = first > 0 ? ((last - first) / first) * 100 : 0;
  const slopeMbPerMinute = slope(minutes, mbs);
  return {
    label,
    firstMb: first,
    lastMb: last,
    growthPercent: round(growthPercent),
    slopeMbPerMinute: round(slopeMbPerMinute),
    floorSlopeMbPerMinute:
      floor && floor.mbs.length >= 2 ? round(slope(floor.minutes, floor.mbs)) : null,
    flat: growthPercent < MAX_GROWTH_PERCENT && slopeMbPerMinute < MAX_SLOPE_MB_PER_MINUTE,
  };
}

/**
 * Measures, then deletes, what the bench's analytics queue holds in Redis. Nothing consumes that
 * queue, and at full load it grows by well over 50 MB a minute in the Redis the whole machine
 * shares; emptied after every slice (while no load runs) it never holds more than one slice.
 * Deleting under a live producer is safe: each add is one script that creates what it needs.
 */
async function trimBenchQueue(queuePrefix: string): Promise<{ keys: number; mb: number } | null> {
  let keys = 0;
  let bytes = 0;
  const reached = await forEachBenchQueuePage(queuePrefix, async (redis, page) => {
    const pipeline = redis.pipeline();
    for (const key of page) pipeline.call('MEMORY', 'USAGE', key);
    for (const [, usage] of (await pipeline.exec()) ?? []) bytes += Number(usage ?? 0);
    keys += page.length;
    await redis.del(...page);
  });
  return reached ? { keys, mb: mb(bytes / 1024) } : null;
}

function pad(value: string, width: number): string {
  return value.padStart(width);
}

function printTable(samples: Sample[], labels: string[]): void {
  const header = [
    pad('minute', 6),
    ...labels.map((l) => pad(`${l} MB`, Math.max(10, l.length + 3))),
    pad('total MB', 9),
    pad('req/s', 7),
    pad('failed', 7),
    pad('in-flight', 9),
    pad('dropped', 8),
  ];
  console.log(`\n${header.join('  ')}`);
  for (const s of samples) {
    const rss = labels.map((l, i) => {
      const p = s.processes.find((x) => x.label === l);
      return pad(p ? p.rssMb.toFixed(1) : '-', header[i + 1]?.length ?? 10);
    });
    const failed = s.slice ? String(s.slice.non2xx + s.slice.socketErrors) : '-';
    const sum = (name: GatewayMetricName) => {
      const present = s.gateway.filter((g) => g[name] !== undefined);
      return present.length === 0 ? '-' : String(present.reduce((a, g) => a + (g[name] ?? 0), 0));
    };
    console.log(
      [
        pad(s.minute.toFixed(2), 6),
        ...rss,
        pad(s.totalRssMb.toFixed(1), 9),
        pad(s.slice ? String(s.slice.requestsPerSecond) : 'warm', 7),
        pad(failed, 7),
        pad(sum('portico_gateway_in_flight_requests'), 9),
        pad(sum('portico_analytics_dropped_total'), 8),
      ].join('  '),
    );
  }
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
  const minutes = samples.map((s) => s.minute);
  const sliced = samples.flatMap((s) => (s.slice ? [{ minute: s.minute, slice: s.slice }] : []));
  const series = labels.map((label) =>
    summarise(
      label,
      minutes,
      samples.map((s) => s.processes.find((p) => p.label === label)?.rssMb ?? 0),
      {
        minutes: sliced.map((s) => s.minute),
        mbs: sliced.map((s) => Math.min(...(s.slice.rssPollsMb[label] ?? [0]))),
      },
    ),
  );
  const total = summarise(
    'total',
    minutes,
    samples.map((s) => s.totalRssMb),
    null,
  );
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

  console.log('');
  for (const s of [...series, total]) {
    console.log(
      `${s.label.padEnd(9)} ${s.firstMb.toFixed(1)} -> ${s.lastMb.toFixed(1)} MB, growth ${s.growthPercent.toFixed(1)}%, slope ${s.slopeMbPerMinute.toFixed(3)} MB/min${s.floorSlopeMbPerMinute === null ? '' : ` (in-slice low: ${s.floorSlopeMbPerMinute.toFixed(3)} MB/min)`}${s.label === 'total' || s.flat ? '' : '  over threshold'}`,
    );
  }
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
    machine: {
      cores: availableParallelism(),
      node: process.version,
      loadAverageAtStart,
      loadAverageAtEnd: loadavg().map((l) => round(l)),
    },
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
  const resultsDir = join(ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `gateway-soak-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten ${file}`);
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
