/**
 * What authentication variants and OpenAPI request validation cost on the gateway, measured
 * against key auth on the same upstream route, in one run. Every target is the gateway bundle
 * with the same plan (rate limit + quota counted in Redis) and analytics off, so the only
 * difference between two rows is the feature named:
 *   - key auth, GET /items
 *   - key auth + OpenAPI validation (query parameter checked), GET /items?limit=10
 *   - key auth, POST /items with a small JSON body (streamed to the upstream)
 *   - key auth + OpenAPI validation of that JSON body (read whole, parsed, checked)
 *   - basic auth, GET /items (verification cached: one scrypt run for the whole run)
 *   - OAuth2 introspection, GET /items (answer cached: one call to the local authorization
 *     server, a node:http endpoint in this process, for the whole run)
 *   - HTTP Message Signatures (hmac-sha256, then ed25519) over @method @authority @path, GET
 *     /signed/items: each request carries its own signature from a pool written before the run
 *     (the gateway refuses a signature it has seen), so the client does no signing
 *   - over TLS with a Node client (wrk cannot present a client certificate): key auth against
 *     mTLS, both through the same client and listener (see auth-bench-credentials.ts)
 * Targets take turns for --rounds rounds; each figure is the median of its rounds. Short and
 * bounded (about rounds × 10 × seconds + warm-up and signature pools); only loopback is used.
 *
 *   npx tsx bench/gateway/auth-bench.ts [--seconds 5] [--connections 32] [--workers 1] [--rounds 3]
 *     [--signatures 150000]
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword } from '@portico/keys';
import { freePort } from '@portico/testkit';
import {
  authBenchCredentials,
  type BenchTarget,
  signatureAndTlsTargets,
} from './auth-bench-credentials';
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
    /** Signatures written per wrk run of a signature row (it must outlast the run). */
    signatures: { type: 'string', default: '150000' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const WORKERS = Number(values.workers);
const ROUNDS = Math.max(1, Number(values.rounds));
const SIGNATURES = Number(values.signatures);
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

const BASIC_PASSWORD = randomBytes(18).toString('base64url');
const ACCESS_TOKEN = randomBytes(24).toString('base64url');
const CLIENT_SECRET = randomBytes(24).toString('base64url');

/** The same bench API under basic auth and under introspection, in the bench plan. */
const authApi = (id: string, basePath: string, auth: object) => ({
  id,
  name: `${id}-api`,
  slug: id,
  basePath,
  serviceId: 'svc_bench',
  auth,
  routes: [],
});

/**
 * A minimal RFC 7662 endpoint on loopback, in its own process (wrk runs synchronously here, so
 * a server in this process could not answer): the bench token is active for the bench consumer.
 * The gateway caches the answer, so it is asked about once per run; GET /calls proves it.
 */
const AUTHORIZATION_SERVER = `
import { createServer } from 'node:http';
let calls = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET') { res.end(String(calls)); return; }
  calls++;
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const active = new URLSearchParams(body).get('token') === process.env.BENCH_TOKEN;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(active ? { active: true, sub: 'bench', scope: 'items' } : { active: false }));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startAuthorizationServer(): Promise<{ url: string; calls: () => Promise<number> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', AUTHORIZATION_SERVER], {
    env: { ...process.env, BENCH_TOKEN: ACCESS_TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  run.children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/introspect`,
    calls: async () => Number(await (await fetch(`${base}/calls`)).text()),
  };
}

function wrk(
  url: string,
  headers: Record<string, string>,
  script: string | null,
  seconds = SECONDS,
): WrkResult {
  const args = wrkArgs({
    url,
    headers,
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
  const authorizationServer = await startAuthorizationServer();
  const creds = authBenchCredentials(run.work);
  const tlsPort = await freePort();
  const gateway = await startGateway(run, {
    upstreamPort,
    port,
    statusPort,
    workers: WORKERS,
    analytics: false,
    extraApis: [
      VALIDATED_API,
      authApi('api_basic', '/basic', { type: 'basic' }),
      authApi('api_introspected', '/introspected', {
        type: 'introspection',
        url: authorizationServer.url,
        clientId: 'bench-gateway',
        clientSecretRef: 'bench-introspection',
      }),
      ...creds.extraApis,
    ],
    credentials: [
      {
        id: 'cred_bench',
        consumerId: 'con_bench',
        kind: 'basic',
        identifier: 'bench',
        verifier: await hashPassword(BASIC_PASSWORD),
        matchBy: null,
        expiresAt: null,
      },
      ...creds.credentials,
    ],
    authSecrets: { 'bench-introspection': CLIENT_SECRET },
    certificates: creds.certificates,
    tlsKeys: creds.tlsKeys,
    tlsPort,
  });
  const keyed = { 'x-api-key': gateway.key };
  const post = join(run.work, 'post-json.lua');
  writeFileSync(
    post,
    `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  const base = `http://127.0.0.1:${port}`;
  const basicHeader = `Basic ${Buffer.from(`bench:${BASIC_PASSWORD}`).toString('base64')}`;
  const wrkTargets = [
    { name: 'key auth GET', url: `${base}/bench/items?limit=10`, script: null, headers: keyed },
    {
      name: 'key auth + validation GET (query)',
      url: `${base}/validated/items?limit=10`,
      script: null,
      headers: keyed,
    },
    { name: 'key auth POST json', url: `${base}/bench/items`, script: post, headers: keyed },
    {
      name: 'key auth + validation POST json (body)',
      url: `${base}/validated/items`,
      script: post,
      headers: keyed,
    },
    {
      name: 'basic auth GET (cached verification)',
      url: `${base}/basic/items?limit=10`,
      script: null,
      headers: { authorization: basicHeader },
    },
    {
      name: 'introspection GET (cached answer)',
      url: `${base}/introspected/items?limit=10`,
      script: null,
      headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
    },
  ] as const;
  const targets: BenchTarget[] = [
    ...wrkTargets.map((t) => ({
      name: t.name,
      run: async (seconds: number) => wrk(t.url, t.headers, t.script, seconds),
    })),
    ...signatureAndTlsTargets({
      creds,
      workDir: run.work,
      port,
      tlsPort,
      key: gateway.key,
      connections: CONNECTIONS,
      signatures: SIGNATURES,
    }),
  ];

  // Warm every target (connections, JIT, compiled validators' first calls).
  for (const t of targets) await t.run(Math.max(1, Math.round(SECONDS / 3)));

  const samples = targets.map(() => [] as WrkResult[]);
  for (let r = 0; r < ROUNDS; r++)
    for (const [i, t] of targets.entries()) samples[i]?.push(await t.run(SECONDS));
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
  console.log(
    `basic GET / key GET: ${relative(4, 0)}; introspection GET / key GET: ${relative(5, 0)}`,
  );
  console.log(
    `signature hmac / key GET: ${relative(6, 0)}; signature ed25519 / key GET: ${relative(7, 0)}; mTLS / key over TLS: ${relative(9, 8)}`,
  );
  const metrics = await (await fetch(`http://127.0.0.1:${statusPort}/metrics`)).text();
  const refused = readMetric(metrics, 'portico_gateway_validation_failures_total') ?? 0;
  console.log(`validation failures counted (should be 0): ${refused}`);
  const kdfRuns = readMetric(metrics, 'portico_gateway_basic_kdf_runs_total') ?? 0;
  const introspections = await authorizationServer.calls();
  console.log(
    `scrypt runs for basic (per gateway worker, ideally 1): ${kdfRuns}; introspection calls to the authorization server: ${introspections}`,
  );
  const refusals = readMetric(metrics, 'portico_gateway_errors_total') ?? 0;
  console.log(`requests the gateway refused itself (should be 0): ${refusals}`);

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
    ratios: {
      validationGetOverKey: relative(1, 0),
      validationPostOverKey: relative(3, 2),
      basicGetOverKey: relative(4, 0),
      introspectionGetOverKey: relative(5, 0),
      signatureHmacOverKey: relative(6, 0),
      signatureEd25519OverKey: relative(7, 0),
      mtlsOverKeyOverTls: relative(9, 8),
    },
    basicKdfRuns: kdfRuns,
    introspectionCalls: introspections,
    samples: Object.fromEntries(targets.map((t, i) => [t.name, samples[i]])),
    validationFailuresCounted: refused,
  };
  writeResult('gateway-auth', result, result.at);
}

runBench(run, main);
