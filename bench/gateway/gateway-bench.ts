/**
 * Gateway load benchmark, one run, side by side on this machine:
 *   1. the upstream hit directly,
 *   2. Debian's nginx with proxy_pass (keep-alive upstream), and bare Fastify +
 *      @fastify/http-proxy (the Node reference: what a Node proxy costs before any policy),
 *      Caddy's bare reverse_proxy and HAProxy in HTTP mode (Debian packages),
 *   3. the Portico gateway (bundled, PORTICO_GATEWAY_WORKERS workers) with key auth, a plan with
 *      rate limit + quota checked in Redis on every request, and analytics on (BullMQ batches).
 * wrk drives each for a bounded time; then a fixed 2k req/s run measures the latency the gateway
 * adds. The gateway serves a config written as its last-known-good snapshot (no control plane
 * needed for a data-plane bench). Only loopback addresses are used.
 *
 *   npx tsx bench/gateway/gateway-bench.ts [--seconds 10] [--connections 64] [--workers 2]
 *
 * `--mcp` runs only the MCP comparison instead: at a fixed rate, the same operation as a REST
 * request and as an MCP tool call (same key, plan, limits and analytics), and the tool call's
 * added latency as a ratio of the REST call's (mcp-comparison.ts).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { freePort } from '@portico/testkit';
import { buildWorkerBundle, startAnalyticsWorker } from './analytics-worker-process';
import {
  machineAtEnd,
  median,
  medianRun,
  printWrkTable,
  ratio,
  round,
  writeResult,
} from './bench-report';
import { createProcessBenchRun, runBench } from './bench-run';
import { type FixedRateResult, fixedRate } from './fixed-rate-load';
import { buildGatewayBundle, startGateway } from './gateway-process';
import { runMcpComparison } from './mcp-comparison';
import { rssMb } from './process-memory';
import { readMetric } from './prometheus-text';
import {
  ensureTools,
  startCaddy,
  startFastifyProxy,
  startHaproxy,
  startNginx,
} from './reference-servers';
import { startReplicaSet, wrkAcross } from './replica-set';
import { runWrk, type WrkResult, wrkArgs } from './wrk';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    workers: { type: 'string', default: '2' },
    rate: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    replicas: { type: 'string', default: '3' },
    mcp: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const WORKERS = Number(values.workers);
const FIXED_RATE = Number(values.rate);
const ROUNDS = Math.max(1, Number(values.rounds));
/** Gateways of one worker each on the same Redis for the scale-out row; 0 leaves it out. */
const REPLICAS = Math.max(0, Number(values.replicas));
const run = createProcessBenchRun();

function wrk(url: string, headers: Record<string, string>): WrkResult {
  return runWrk({ url, headers, threads: 2, connections: CONNECTIONS, seconds: SECONDS });
}

async function main(): Promise<void> {
  if (values.mcp) {
    await runMcpComparison(run, {
      workers: WORKERS,
      rate: FIXED_RATE,
      seconds: SECONDS,
      rounds: ROUNDS,
    });
    return;
  }
  ensureTools();
  buildGatewayBundle();
  buildWorkerBundle();
  const [
    upstreamPort,
    nginxPort,
    gatewayPort,
    gatewayStatusPort,
    fastifyPort,
    caddyPort,
    haproxyPort,
  ] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  await startNginx(run, { upstreamPort, proxyPort: nginxPort, workerProcesses: WORKERS });
  await startFastifyProxy(run, { upstreamPort, proxyPort: fastifyPort, workers: WORKERS });
  await startCaddy(run, { upstreamPort, proxyPort: caddyPort });
  await startHaproxy(run, { upstreamPort, proxyPort: haproxyPort, threads: WORKERS });
  const gateway = await startGateway(run, {
    upstreamPort,
    port: gatewayPort,
    statusPort: gatewayStatusPort,
    workers: WORKERS,
    analytics: true,
  });
  const keyHeader = { 'x-api-key': gateway.key };
  const replicas =
    REPLICAS > 0 ? await startReplicaSet(run, { upstreamPort, count: REPLICAS }) : null;
  // The analytics worker starts now, catches up, and is paused until its own samples.
  const worker = await startAnalyticsWorker(run);
  await worker.drain(30_000);
  worker.pause();

  // Warm every target before measuring: the Node ones need their JIT and heap settled, and each
  // proxy opens upstream connections as concurrency asks, so the warm-up uses the measured
  // connection count. Unwarmed, a Node target's first round measured its warm-up (a p99 of
  // 35-65 ms where later rounds gave 8-12).
  const warm = Math.max(2, Math.round(SECONDS / 3));
  const warmRun = (url: string, headers: Record<string, string>) =>
    execFileSync(
      'wrk',
      wrkArgs({
        url,
        headers,
        threads: 2,
        connections: CONNECTIONS,
        seconds: warm,
        latency: false,
      }),
      { stdio: 'ignore' },
    );
  warmRun(`http://127.0.0.1:${nginxPort}/items`, {});
  warmRun(`http://127.0.0.1:${fastifyPort}/items`, {});
  warmRun(`http://127.0.0.1:${caddyPort}/items`, {});
  warmRun(`http://127.0.0.1:${haproxyPort}/items`, {});
  warmRun(`http://127.0.0.1:${gatewayPort}/bench/items`, keyHeader);
  warmRun(`http://127.0.0.1:${gatewayPort}/open/items`, {});
  if (replicas !== null)
    await wrkAcross(
      replicas.ports.map((port) => `http://127.0.0.1:${port}/bench/items`),
      { 'x-api-key': replicas.key },
      { connections: CONNECTIONS, seconds: warm },
    );

  const memoryBefore = rssMb(gateway.child.pid ?? 0);
  console.log(
    `wrk: ${CONNECTIONS} connections, ${SECONDS} s per target, ${ROUNDS} rounds (medians shown), gateway workers: ${WORKERS}`,
  );
  // Targets take turns, round after round, and each figure is the median of its rounds: a burst
  // of other work on the machine then skews one sample of each target instead of one target.
  const samples = {
    direct: [] as WrkResult[],
    nginx: [] as WrkResult[],
    fastifyProxy: [] as WrkResult[],
    caddy: [] as WrkResult[],
    haproxy: [] as WrkResult[],
    portico: [] as WrkResult[],
    porticoNoPolicy: [] as WrkResult[],
    fullSystem: [] as WrkResult[],
    replicas: [] as WrkResult[],
  };
  let workerCpuSeconds = 0;
  for (let round = 0; round < ROUNDS; round++) {
    samples.direct.push(wrk(`http://127.0.0.1:${upstreamPort}/items`, {}));
    samples.nginx.push(wrk(`http://127.0.0.1:${nginxPort}/items`, {}));
    samples.fastifyProxy.push(wrk(`http://127.0.0.1:${fastifyPort}/items`, {}));
    samples.caddy.push(wrk(`http://127.0.0.1:${caddyPort}/items`, {}));
    samples.haproxy.push(wrk(`http://127.0.0.1:${haproxyPort}/items`, {}));
    samples.portico.push(wrk(`http://127.0.0.1:${gatewayPort}/bench/items`, keyHeader));
    samples.porticoNoPolicy.push(wrk(`http://127.0.0.1:${gatewayPort}/open/items`, {}));
    if (replicas !== null)
      samples.replicas.push(
        await wrkAcross(
          replicas.ports.map((port) => `http://127.0.0.1:${port}/bench/items`),
          { 'x-api-key': replicas.key },
          { connections: CONNECTIONS, seconds: SECONDS },
        ),
      );
    // Full system on one machine: the same full-policy run with the analytics worker running
    // beside the gateway, consuming its batches into Postgres.
    const cpuBefore = worker.cpuSeconds();
    worker.resume();
    samples.fullSystem.push(wrk(`http://127.0.0.1:${gatewayPort}/bench/items`, keyHeader));
    worker.pause();
    workerCpuSeconds += worker.cpuSeconds() - cpuBefore;
  }
  worker.resume();
  const drained = await worker.drain(60_000);
  const counted = await worker.countedRequests();
  await worker.stop();
  const direct = medianRun(samples.direct);
  const nginx = medianRun(samples.nginx);
  const fastifyProxy = medianRun(samples.fastifyProxy);
  const caddy = medianRun(samples.caddy);
  const haproxy = medianRun(samples.haproxy);
  const fullSystem = medianRun(samples.fullSystem);
  const replicaRun = replicas !== null ? medianRun(samples.replicas) : null;
  const portico = medianRun(samples.portico);
  const porticoNoPolicy = medianRun(samples.porticoNoPolicy);
  const memoryAfter = rssMb(gateway.child.pid ?? 0);

  const rateSeconds = Math.max(3, Math.round(SECONDS / 2));
  console.log(`fixed rate: ${FIXED_RATE} req/s for ${rateSeconds} s, ${ROUNDS} rounds`);
  const rateRounds: {
    direct: FixedRateResult;
    portico: FixedRateResult;
    porticoNoPolicy: FixedRateResult;
  }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rateRounds.push({
      direct: await fixedRate(
        `http://127.0.0.1:${upstreamPort}`,
        '/items',
        {},
        FIXED_RATE,
        rateSeconds,
      ),
      portico: await fixedRate(
        `http://127.0.0.1:${gatewayPort}`,
        '/bench/items',
        keyHeader,
        FIXED_RATE,
        rateSeconds,
      ),
      porticoNoPolicy: await fixedRate(
        `http://127.0.0.1:${gatewayPort}`,
        '/open/items',
        {},
        FIXED_RATE,
        rateSeconds,
      ),
    });
  }
  const directP50 = median(rateRounds.map((r) => r.direct.p50Ms));
  const porticoP50 = median(rateRounds.map((r) => r.portico.p50Ms));
  const openP50 = median(rateRounds.map((r) => r.porticoNoPolicy.p50Ms));
  const rateFailures = rateRounds.reduce((n, r) => n + r.portico.failures, 0);

  const metrics = await (await fetch(`http://127.0.0.1:${gatewayStatusPort}/metrics`)).text();
  const analyticsRecorded = readMetric(metrics, 'portico_analytics_events_total') ?? null;
  // How the keyed requests were limited: from leases in the worker, or in Lua calls to Redis.
  const limiter = {
    redisCalls: readMetric(metrics, 'portico_limiter_redis_calls_total') ?? null,
    redisDecisions:
      readMetric(metrics, 'portico_limiter_decisions_total', 'source="redis",result="allowed"') ??
      null,
    leaseAdmissions: readMetric(metrics, 'portico_limiter_lease_admissions_total') ?? null,
  };

  // What stalled the serving worker's event loop over the whole run: the usual suspects of a p99.
  const gcPauses = (kind: string) => ({
    count: readMetric(metrics, 'portico_gateway_gc_pause_ms_count', `kind="${kind}"`) ?? 0,
    totalMs: round(readMetric(metrics, 'portico_gateway_gc_pause_ms_sum', `kind="${kind}"`) ?? 0),
    over25Ms:
      (readMetric(metrics, 'portico_gateway_gc_pause_ms_count', `kind="${kind}"`) ?? 0) -
      (readMetric(metrics, 'portico_gateway_gc_pause_ms_bucket', `kind="${kind}",le="25"`) ?? 0),
  });
  const stalls = {
    minorGc: gcPauses('minor'),
    majorGc: gcPauses('major'),
    loopDelayP99Ms:
      readMetric(metrics, 'portico_gateway_event_loop_delay_ms', 'quantile="0.99"') ?? null,
    loopDelayMaxMs:
      readMetric(metrics, 'portico_gateway_event_loop_delay_ms', 'quantile="1"') ?? null,
  };

  const rows = [
    ['upstream direct', direct],
    ['nginx proxy_pass', nginx],
    ['caddy reverse_proxy', caddy],
    ['haproxy (http mode)', haproxy],
    ['fastify + @fastify/http-proxy (bare)', fastifyProxy],
    ['portico (key + rate limit + quota + analytics)', portico],
    ['portico (no auth, no limits, analytics on)', porticoNoPolicy],
    ['full system (portico full policy + worker)', fullSystem],
    ...(replicaRun !== null
      ? ([[`portico x ${REPLICAS} replicas on one Redis (full policy)`, replicaRun]] as const)
      : []),
  ] as const;
  printWrkTable(rows);
  const overNginx = portico.requestsPerSecond / nginx.requestsPerSecond;
  const addedP50 = porticoP50 - directP50;
  console.log(`\nportico full policy / nginx: ${overNginx.toFixed(3)} (goal >= 0.333)`);
  console.log(
    `portico full policy / caddy: ${(portico.requestsPerSecond / caddy.requestsPerSecond).toFixed(3)}; / haproxy: ${(portico.requestsPerSecond / haproxy.requestsPerSecond).toFixed(3)}; / bare fastify proxy: ${(portico.requestsPerSecond / fastifyProxy.requestsPerSecond).toFixed(3)}`,
  );
  // p99 side by side: each round's Portico p99 over the same round's nginx p99, and their median,
  // as throughput is judged; the medians' ratio pairs two different rounds.
  const p99PerRound = samples.portico.map(
    (p, i) => p.p99Ms / (samples.nginx[i]?.p99Ms ?? Number.NaN),
  );
  const p99OverNginx = median(p99PerRound);
  console.log(
    `p99 portico full policy / nginx per round: ${p99PerRound.map((r) => r.toFixed(2)).join(', ')}; median ${p99OverNginx.toFixed(2)} (goal <= 2); of the median rounds: ${(portico.p99Ms / nginx.p99Ms).toFixed(2)}`,
  );
  console.log(
    `full system / nginx: ${(fullSystem.requestsPerSecond / nginx.requestsPerSecond).toFixed(3)} (goal >= 0.25); / caddy: ${(fullSystem.requestsPerSecond / caddy.requestsPerSecond).toFixed(3)} (goal > 1); the worker used ${workerCpuSeconds.toFixed(1)} s of CPU in its ${ROUNDS * SECONDS} s of samples; it counted ${counted} requests into Postgres${drained ? '' : ' (queue not drained within 60 s)'}`,
  );
  if (replicaRun !== null)
    console.log(
      `${REPLICAS} replicas / nginx: ${(replicaRun.requestsPerSecond / nginx.requestsPerSecond).toFixed(3)}; / one gateway of ${WORKERS} workers: ${(replicaRun.requestsPerSecond / portico.requestsPerSecond).toFixed(3)}`,
    );
  console.log(
    `portico full policy / direct: ${(portico.requestsPerSecond / direct.requestsPerSecond).toFixed(3)}`,
  );
  console.log(
    `at ${FIXED_RATE} req/s (medians): direct p50 ${directP50} ms, portico p50 ${porticoP50} ms, added ${addedP50.toFixed(3)} ms (goal <= 0.3); failures ${rateFailures}`,
  );
  console.log(
    `at ${FIXED_RATE} req/s, no auth and no limits: p50 ${openP50} ms, added ${(openP50 - directP50).toFixed(3)} ms`,
  );
  console.log(
    `portico full policy / nginx per round: ${samples.portico.map((p, i) => (p.requestsPerSecond / (samples.nginx[i]?.requestsPerSecond ?? Number.NaN)).toFixed(3)).join(', ')}`,
  );
  console.log(
    `gateway RSS (all processes): ${memoryBefore} MB before the runs, ${memoryAfter} MB after`,
  );
  console.log(
    `stalls (one worker, whole run): ${stalls.minorGc.count} scavenges (${stalls.minorGc.totalMs} ms, ${stalls.minorGc.over25Ms} over 25 ms), ${stalls.majorGc.count} major GCs (${stalls.majorGc.totalMs} ms, ${stalls.majorGc.over25Ms} over 25 ms); event-loop delay p99 ${stalls.loopDelayP99Ms} ms, max ${stalls.loopDelayMaxMs} ms`,
  );
  console.log(
    `limiter (one worker): ${limiter.leaseAdmissions} admissions from leases, ${limiter.redisDecisions} decided in ${limiter.redisCalls} Redis calls`,
  );

  const result = {
    benchmark: 'gateway',
    at: new Date().toISOString(),
    // Other work on the machine skews every figure: the load average says how busy it was.
    machine: machineAtEnd(),
    settings: {
      seconds: SECONDS,
      connections: CONNECTIONS,
      gatewayWorkers: WORKERS,
      fixedRate: FIXED_RATE,
      fixedRateSeconds: rateSeconds,
      rounds: ROUNDS,
      replicas: REPLICAS,
    },
    throughput: Object.fromEntries(rows.map(([name, r]) => [name, r])),
    ratios: {
      porticoOverNginx: round(overNginx),
      porticoOverDirect: ratio(portico.requestsPerSecond, direct.requestsPerSecond),
      fullSystemOverNginx: ratio(fullSystem.requestsPerSecond, nginx.requestsPerSecond),
      fullSystemOverCaddy: ratio(fullSystem.requestsPerSecond, caddy.requestsPerSecond),
      replicasOverNginx:
        replicaRun !== null ? ratio(replicaRun.requestsPerSecond, nginx.requestsPerSecond) : null,
      porticoOverCaddy: ratio(portico.requestsPerSecond, caddy.requestsPerSecond),
      porticoOverHaproxy: ratio(portico.requestsPerSecond, haproxy.requestsPerSecond),
      porticoOverFastifyProxy: ratio(portico.requestsPerSecond, fastifyProxy.requestsPerSecond),
      p99PorticoOverNginx: round(p99OverNginx),
      p99PorticoOverNginxPerRound: p99PerRound.map(round),
      p99PorticoOverNginxOfMedianRounds: ratio(portico.p99Ms, nginx.p99Ms),
    },
    samples,
    fixedRate: {
      rounds: rateRounds,
      directP50Ms: directP50,
      porticoP50Ms: porticoP50,
      porticoNoPolicyP50Ms: openP50,
      addedP50Ms: round(addedP50),
      addedP50NoPolicyMs: round(openP50 - directP50),
    },
    gatewayMemoryMb: { before: memoryBefore, after: memoryAfter },
    stalls,
    analyticsRecordedMetric: analyticsRecorded,
    limiterOneWorker: limiter,
    analyticsWorker: { cpuSeconds: round(workerCpuSeconds), countedRequests: counted, drained },
  };
  writeResult('gateway', result, result.at);
}

runBench(run, main);
