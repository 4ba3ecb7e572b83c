/**
 * What authentication variants and OpenAPI request validation cost on the gateway, measured
 * against key auth on the same upstream route, in one run. Every target is the gateway bundle
 * with the same plan (rate limit + quota counted in Redis) and analytics off, so the only
 * difference between two rows is the feature named:
 *   - key auth, GET /items
 *   - key auth + OpenAPI validation (query parameter checked), GET /items?limit=10
 *   - key auth, POST /items with a small JSON body (streamed to the upstream)
 *   - key auth + OpenAPI validation of that JSON body (read whole, parsed, checked)
 *   - HTTP Message Signatures (hmac-sha256, then ed25519) over @method @authority @path, GET
 *     /signed/items: each request carries a signature of its own from a pool written before
 *     the run (the gateway refuses a signature it has seen), so the client does no signing
 *   - over TLS, with a Node client (wrk cannot present a client certificate): key auth on
 *     /bench/items against mTLS on /mtls/items, both through the same client and listener
 * Targets take turns for --rounds rounds; each figure is the median of its rounds. Short and
 * bounded (about rounds × 8 × seconds + warm-up and signature pools); only loopback is used.
 *
 *   npx tsx bench/gateway/auth-bench.ts [--seconds 5] [--connections 32] [--workers 1] [--rounds 3] [--signatures 150000]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authBenchCredentials } from './auth-bench-credentials';
import { machineAtEnd, medianRun, printWrkTable, ratio, writeResult } from './bench-report';
import { createBenchRun, freePort, removeBenchRun, signalChildren } from './bench-run';
import { buildGatewayBundle, startGateway } from './gateway-process';
import { readMetric } from './prometheus-text';
import { ensureTools, startNginx } from './reference-servers';
import { writeSignaturePool, writeSignedScript } from './signed-load';
import { tlsLoad } from './tls-load';
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
const run = createBenchRun();

process.on('exit', () => signalChildren(run));
process.on('SIGINT', () => process.exit(130));

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
  const creds = authBenchCredentials(run.work);
  const tlsPort = await freePort();
  const gateway = await startGateway(run, {
    upstreamPort,
    port,
    statusPort,
    workers: WORKERS,
    analytics: false,
    extraApis: [VALIDATED_API, ...creds.extraApis],
    credentials: creds.credentials,
    certificates: creds.certificates,
    tlsKeys: creds.tlsKeys,
    tlsPort,
  });
  const signedScript = writeSignedScript(run.work);
  let pools = 0;
  const signedUrl = `http://127.0.0.1:${port}/signed/items?limit=10`;
  async function wrkSigned(alg: 'hmac-sha256' | 'ed25519', seconds: number): Promise<WrkResult> {
    const pool = join(run.work, `signatures-${pools++}.txt`);
    await writeSignaturePool(pool, {
      url: signedUrl,
      count: SIGNATURES,
      ...(alg === 'hmac-sha256'
        ? { alg, keyid: creds.hmac.keyid, key: creds.hmac.secret }
        : { alg, keyid: creds.ed25519.keyid, key: creds.ed25519.privateKey }),
    });
    const args = wrkArgs({
      url: signedUrl,
      headers: {},
      threads: 2,
      connections: CONNECTIONS,
      seconds,
      latency: true,
    });
    args.unshift('-s', signedScript);
    args.push('--', pool, '2');
    return parseWrk(execFileSync('wrk', args, { encoding: 'utf8' }));
  }
  const overTls = (path: string, mtls: boolean, seconds: number) =>
    tlsLoad({
      origin: `https://127.0.0.1:${tlsPort}`,
      path,
      headers: mtls ? {} : { 'x-api-key': gateway.key },
      connections: CONNECTIONS,
      seconds,
      servername: 'bench.test',
      ca: creds.serverCertPem,
      ...(mtls ? { cert: creds.client.certPem, key: creds.client.keyPem } : {}),
    });
  const post = join(run.work, 'post-json.lua');
  writeFileSync(
    post,
    `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  const base = `http://127.0.0.1:${port}`;
  const plain = (url: string, script: string | null) => async (seconds: number) =>
    wrk(url, gateway.key, script, seconds);
  const targets: { name: string; run: (seconds: number) => Promise<WrkResult> }[] = [
    { name: 'key auth GET', run: plain(`${base}/bench/items?limit=10`, null) },
    {
      name: 'key auth + validation GET (query)',
      run: plain(`${base}/validated/items?limit=10`, null),
    },
    { name: 'key auth POST json', run: plain(`${base}/bench/items`, post) },
    {
      name: 'key auth + validation POST json (body)',
      run: plain(`${base}/validated/items`, post),
    },
    { name: 'signature hmac-sha256 GET', run: (s) => wrkSigned('hmac-sha256', s) },
    { name: 'signature ed25519 GET', run: (s) => wrkSigned('ed25519', s) },
    {
      name: 'TLS key auth GET (node client)',
      run: (s) => overTls('/bench/items?limit=10', false, s),
    },
    { name: 'TLS mTLS GET (node client)', run: (s) => overTls('/mtls/items?limit=10', true, s) },
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
    `signature hmac / key GET: ${relative(4, 0)}; signature ed25519 / key GET: ${relative(5, 0)}; mTLS / key over TLS: ${relative(7, 6)}`,
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
    ratios: {
      validationGetOverKey: relative(1, 0),
      validationPostOverKey: relative(3, 2),
      signatureHmacOverKey: relative(4, 0),
      signatureEd25519OverKey: relative(5, 0),
      mtlsOverKeyOverTls: relative(7, 6),
    },
    samples: Object.fromEntries(targets.map((t, i) => [t.name, samples[i]])),
    validationFailuresCounted: refused,
  };
  writeResult('gateway-auth', result, result.at);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    signalChildren(run);
    await removeBenchRun(run);
  });
