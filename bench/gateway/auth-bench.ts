/**
 * What authentication variants and OpenAPI request validation cost on the gateway, measured
 * against key auth on the same upstream route, in one run. Every target is the gateway bundle
 * with the same plan (rate limit + quota counted in Redis) and analytics off, so the only
 * difference between two rows is the feature named:
 *   - key auth, GET /items
 *   - key auth + OpenAPI validation (query parameter checked), GET /items?limit=10
 *   - key auth, POST /items with a small JSON body (streamed to the upstream)
 *   - key auth + OpenAPI validation of that JSON body (read whole, parsed, checked)
 * Targets take turns for --rounds rounds; each figure is the median of its rounds. Short and
 * bounded (about rounds × 4 × seconds + warm-up); only loopback addresses are used.
 *
 *   npx tsx bench/gateway/auth-bench.ts [--seconds 5] [--connections 32] [--workers 1] [--rounds 3]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@portico/testkit';
import { machineAtEnd, medianRun, printWrkTable, ratio, writeResult } from './bench-report';
import { createProcessBenchRun, runBench } from './bench-run';
import { buildGatewayBundle, startGateway } from './gateway-process';
import { readMetric } from './prometheus-text';
import { ensureTools, startNginx } from './reference-servers';
import { parseWrk, type WrkResult, wrkArgs } from './wrk';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    workers: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const WORKERS = Number(values.workers);
const ROUNDS = Math.max(1, Number(values.rounds));
const run = createProcessBenchRun();

/** The document the validated API checks against: GET with a bounded integer, POST with a Pet. */
const ITEMS_DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'bench', version: '1' },
  paths: {
    '/items': {
      get: {
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
        ],
        responses: { '200': { description: 'ok' } },
      },
      post: {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id', 'name'],
                properties: {
                  id: { type: 'integer', format: 'int64' },
                  name: { type: 'string', maxLength: 100 },
                  tags: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        },
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

const VALIDATED_API = {
  id: 'api_validated',
  name: 'validated-api',
  slug: 'validated',
  basePath: '/validated',
  serviceId: 'svc_bench',
  auth: { type: 'key' },
  routes: [],
  openApi: ITEMS_DOCUMENT,
  policies: { validation: { mode: 'enforce' } },
};

const BODY = '{"id":42,"name":"bench item","tags":["a","b","c"]}';

function wrk(url: string, key: string, script: string | null, seconds = SECONDS): WrkResult {
  const args = wrkArgs({
    url,
    headers: { 'x-api-key': key },
    threads: 2,
    connections: CONNECTIONS,
    seconds,
    latency: true,
  });
  if (script !== null) args.unshift('-s', script);
  return parseWrk(execFileSync('wrk', args, { encoding: 'utf8' }));
}

async function main(): Promise<void> {
  ensureTools();
  buildGatewayBundle();
  const [upstreamPort, nginxPort, port, statusPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  await startNginx(run, { upstreamPort, proxyPort: nginxPort, workerProcesses: 1 });
  const gateway = await startGateway(run, {
    upstreamPort,
    port,
    statusPort,
    workers: WORKERS,
    analytics: false,
    extraApis: [VALIDATED_API],
  });
  const post = join(run.work, 'post-json.lua');
  writeFileSync(
    post,
    `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  const base = `http://127.0.0.1:${port}`;
  const targets = [
    { name: 'key auth GET', url: `${base}/bench/items?limit=10`, script: null },
    {
      name: 'key auth + validation GET (query)',
      url: `${base}/validated/items?limit=10`,
      script: null,
    },
    { name: 'key auth POST json', url: `${base}/bench/items`, script: post },
    {
      name: 'key auth + validation POST json (body)',
      url: `${base}/validated/items`,
      script: post,
    },
  ] as const;

  // Warm every target (connections, JIT, compiled validators' first calls).
  for (const t of targets) wrk(t.url, gateway.key, t.script, Math.max(1, Math.round(SECONDS / 3)));

  const samples = targets.map(() => [] as WrkResult[]);
  for (let r = 0; r < ROUNDS; r++)
    targets.forEach((t, i) => {
      samples[i]?.push(wrk(t.url, gateway.key, t.script));
    });
  const rows = targets.map((t, i) => [t.name, medianRun(samples[i] ?? [])] as const);
  const medians = rows.map(([, m]) => m);

  console.log(
    `\n${CONNECTIONS} connections, ${SECONDS} s per target, ${ROUNDS} rounds (medians), gateway workers: ${WORKERS}`,
  );
  printWrkTable(rows);
  const relative = (i: number, against: number) =>
    ratio(medians[i]?.requestsPerSecond ?? 0, medians[against]?.requestsPerSecond ?? 1);
  console.log(
    `\nvalidation GET / key GET: ${relative(1, 0)}; validation POST / key POST: ${relative(3, 2)}`,
  );
  const metrics = await (await fetch(`http://127.0.0.1:${statusPort}/metrics`)).text();
  const refused = readMetric(metrics, 'portico_gateway_validation_failures_total') ?? 0;
  console.log(`validation failures counted (should be 0): ${refused}`);

  const result = {
    benchmark: 'gateway-auth',
    at: new Date().toISOString(),
    machine: machineAtEnd(),
    settings: {
      seconds: SECONDS,
      connections: CONNECTIONS,
      gatewayWorkers: WORKERS,
      rounds: ROUNDS,
    },
    medians: Object.fromEntries(rows),
    ratios: { validationGetOverKey: relative(1, 0), validationPostOverKey: relative(3, 2) },
    samples: Object.fromEntries(targets.map((t, i) => [t.name, samples[i]])),
    validationFailuresCounted: refused,
  };
  writeResult('gateway-auth', result, result.at);
}

runBench(run, main);
