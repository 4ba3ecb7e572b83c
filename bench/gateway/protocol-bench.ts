/**
 * Transcoding and aggregation against the plain proxied route, in one run on one gateway:
 *
 * - plain:     GET /plain/users/1       proxied to an HTTP upstream,
 * - grpc:      GET /grpc/v1/orders/1    transcoded to a unary gRPC call (grpc-js server),
 * - aggregate: GET /agg/combo/1         three HTTP backend calls in parallel, merged;
 * - plainH2:   the plain route over h2c (prior knowledge), driven by h2load,
 * - passthrough: a gRPC client's unary call `/bench.v1.Orders/GetOrder` passed straight through
 *              over h2c to the same grpc-js server, driven by h2load.
 *
 * The upstreams run in this process, the gateway bundle (one worker, analytics off, no auth) in
 * a child, wrk (HTTP/1.1) or h2load (HTTP/2, one stream per connection) drives each target in
 * turn for `--rounds` rounds; each figure is the median of its rounds and the ratios (target /
 * plain; passthrough also against plainH2, the same load tool) are printed per round and as
 * medians. Bounded: about rounds × 5 × seconds + start-up.
 *
 * `npm run bench -- protocol [--seconds 5] [--connections 16] [--rounds 3]`
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Server as GrpcServer, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { compileProtoSet } from '@portico/grpc-schema';
import { apiOf, freePort } from '@portico/testkit';
import { median, ratio, round, writeResult } from './bench-report';
import { createBenchRun, removeBenchRun, stopChildren } from './bench-run';
import { buildGatewayBundle, spawnGateway } from './gateway-process';
import { writeLastKnownGood } from './gateway-snapshot';
import { runH2load, writeGrpcFrame } from './h2load';
import { parseWrk, type WrkResult, wrkArgs } from './wrk';

/** wrk as a child process, awaited: the upstreams live in this process and must keep answering. */
function runWrkAsync(url: string): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'wrk',
      wrkArgs({ url, headers: {}, threads: 1, connections, seconds, latency: true }),
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk exited ${code}`)),
    );
  });
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const rounds = Number(values.rounds);

const PROTO = `syntax = "proto3";
package bench.v1;
import "google/api/annotations.proto";
message GetOrderRequest { int64 id = 1; }
message Order { int64 id = 1; string status = 2; int64 total_cents = 3; }
service Orders {
  rpc GetOrder(GetOrderRequest) returns (Order) {
    option (google.api.http) = { get: "/v1/orders/{id}" };
  }
}
`;

async function httpUpstream(body: object): Promise<Server> {
  const text = JSON.stringify(body);
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function grpcUpstream(): Promise<{ server: GrpcServer; port: number }> {
  const set = compileProtoSet({ 'bench.proto': PROTO });
  if (!set.ok) throw new Error(set.message);
  const method = set.methods[0];
  if (method === undefined) throw new Error('no method');
  const req = method.requestType;
  const res = method.responseType;
  const definition: ServiceDefinition = {
    GetOrder: {
      path: method.path,
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: object) => Buffer.from(req.encode(req.fromObject(v)).finish()),
      requestDeserialize: (b: Buffer) => req.toObject(req.decode(b), { longs: String }),
      responseSerialize: (v: object) => Buffer.from(res.encode(res.fromObject(v)).finish()),
      responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), { longs: String }),
    },
  };
  const server = new GrpcServer();
  server.addService(definition, {
    GetOrder: (call: { request: { id: string } }, callback: (e: null, v: object) => void) =>
      callback(null, { id: call.request.id, status: 'shipped', totalCents: '4200' }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { server, port };
}

/** The GetOrder request message the pass-through row sends. */
function getOrderMessage(): Uint8Array {
  const set = compileProtoSet({ 'bench.proto': PROTO });
  if (!set.ok) throw new Error(set.message);
  const type = set.root.lookupType('bench.v1.GetOrderRequest');
  return type.encode({ id: 1 }).finish();
}

/**
 * One pass-through call before measuring, checked to its grpc-status: h2load sees only the HTTP
 * status, which is 200 for gRPC errors too.
 */
function checkPassThrough(url: string, frameFile: string): Promise<void> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const session = connectHttp2(target.origin);
    const fail = (error: Error) => {
      clearTimeout(timer);
      session.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error('pass-through check: no answer in 10 s')),
      10_000,
    );
    session.once('error', fail);
    const stream = session.request({
      ':method': 'POST',
      ':path': target.pathname,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let status: unknown = null;
    stream.on('response', (headers) => {
      status = headers['grpc-status'] ?? status;
    });
    stream.on('trailers', (trailers) => {
      status = trailers['grpc-status'];
    });
    stream.once('error', fail);
    stream.resume();
    stream.once('close', () => {
      clearTimeout(timer);
      session.close();
      if (status === '0') resolve();
      else reject(new Error(`pass-through check: grpc-status ${String(status)}`));
    });
    stream.end(readFileSync(frameFile));
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function writeState(
  stateDir: string,
  ports: { users: number; orders: number; reviews: number; grpc: number },
): void {
  const target = (port: number) => [{ host: '127.0.0.1', port }];
  const api = (id: string, basePath: string, serviceId: string, routes: object[] = []) =>
    apiOf(id, basePath, serviceId, { routes });
  const snapshot = {
    schemaVersion: 1,
    registries: [],
    services: [
      { id: 'users', name: 'users', targets: target(ports.users) },
      { id: 'orders', name: 'orders', targets: target(ports.orders) },
      { id: 'reviews', name: 'reviews', targets: target(ports.reviews) },
      {
        id: 'shop',
        name: 'shop',
        protocol: 'grpc',
        grpc: { protoFiles: { 'bench.proto': PROTO } },
        targets: target(ports.grpc),
      },
    ],
    apis: [
      api('plain', '/plain', 'users'),
      api('grpc', '/grpc', 'shop'),
      api('agg', '/agg', 'users', [
        {
          id: 'combo',
          methods: ['GET'],
          path: '/combo/:id',
          aggregate: {
            calls: [
              { name: 'user', service: 'users', path: '/users/{params.id}', into: 'user' },
              {
                name: 'orders',
                service: 'orders',
                path: '/orders?user={params.id}',
                into: 'orders',
              },
              {
                name: 'reviews',
                service: 'reviews',
                path: '/reviews/{params.id}',
                into: 'reviews',
              },
            ],
          },
        },
      ]),
    ],
    plans: [],
  };
  writeLastKnownGood(stateDir, snapshot, { consumers: [], keys: [], subscriptions: [] });
}

async function main(): Promise<void> {
  buildGatewayBundle();
  const run = createBenchRun();
  const users = await httpUpstream({ id: '1', name: 'User 1', email: 'u1@example.test' });
  const orders = await httpUpstream([{ id: 'o1', totalCents: 4200 }]);
  const reviews = await httpUpstream({ stars: 5, count: 12 });
  const grpc = await grpcUpstream();
  const port = await freePort();
  const statusPort = await freePort();
  const stateDir = join(run.work, 'gateway-state');
  writeState(stateDir, {
    users: portOf(users),
    orders: portOf(orders),
    reviews: portOf(reviews),
    grpc: grpc.port,
  });
  try {
    await spawnGateway(run, {
      port,
      statusPort,
      stateDir,
      workers: 1,
      analytics: false,
      nodeId: `bench-protocol-${port}`,
    });
    const targets = {
      plain: `http://127.0.0.1:${port}/plain/users/1`,
      grpc: `http://127.0.0.1:${port}/grpc/v1/orders/1`,
      aggregate: `http://127.0.0.1:${port}/agg/combo/1`,
    } as const;
    // Each target answers before measuring: a broken one fails the run rather than its figures.
    for (const [name, url] of Object.entries(targets)) {
      const res = await fetch(url);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${body}`);
    }
    const grpcFrame = join(run.work, 'get-order.bin');
    writeGrpcFrame(grpcFrame, getOrderMessage());
    const passthroughUrl = `http://127.0.0.1:${port}/bench.v1.Orders/GetOrder`;
    await checkPassThrough(passthroughUrl, grpcFrame);
    const grpcHeaders = { 'content-type': 'application/grpc', te: 'trailers' };
    const h2Targets = {
      plainH2: () =>
        runH2load({
          url: targets.plain,
          bodyFile: null,
          headers: {},
          connections,
          seconds,
          logFile: join(run.work, 'h2load.log'),
        }),
      passthrough: () =>
        runH2load({
          url: passthroughUrl,
          bodyFile: grpcFrame,
          headers: grpcHeaders,
          connections,
          seconds,
          logFile: join(run.work, 'h2load.log'),
        }),
    } as const;
    type Target = keyof typeof targets | keyof typeof h2Targets;
    const samples: Record<Target, WrkResult[]> = {
      plain: [],
      grpc: [],
      aggregate: [],
      plainH2: [],
      passthrough: [],
    };
    for (let r = 0; r < rounds; r++) {
      for (const name of [...Object.keys(targets), ...Object.keys(h2Targets)] as Target[]) {
        const result =
          name in h2Targets
            ? await h2Targets[name as keyof typeof h2Targets]()
            : await runWrkAsync(targets[name as keyof typeof targets]);
        if (result.non2xx > 0 || result.errors > 0)
          throw new Error(
            `${name}: ${result.non2xx} non-2xx answers, ${result.errors} socket errors`,
          );
        samples[name].push(result);
      }
      const plain = samples.plain[r]?.requestsPerSecond ?? 0;
      console.log(
        `round ${r + 1}: plain ${plain} req/s, grpc ${samples.grpc[r]?.requestsPerSecond} (${ratio(samples.grpc[r]?.requestsPerSecond ?? 0, plain)}×), aggregate ${samples.aggregate[r]?.requestsPerSecond} (${ratio(samples.aggregate[r]?.requestsPerSecond ?? 0, plain)}×), plain over h2c ${samples.plainH2[r]?.requestsPerSecond}, passthrough ${samples.passthrough[r]?.requestsPerSecond} (${ratio(samples.passthrough[r]?.requestsPerSecond ?? 0, plain)}× plain, ${ratio(samples.passthrough[r]?.requestsPerSecond ?? 0, samples.plainH2[r]?.requestsPerSecond ?? 0)}× plain over h2c)`,
      );
    }
    const summary = Object.fromEntries(
      (Object.keys(samples) as Array<keyof typeof samples>).map((name) => [
        name,
        {
          requestsPerSecond: median(samples[name].map((s) => s.requestsPerSecond)),
          p50Ms: round(median(samples[name].map((s) => s.p50Ms))),
          p99Ms: round(median(samples[name].map((s) => s.p99Ms))),
        },
      ]),
    ) as Record<keyof typeof samples, { requestsPerSecond: number; p50Ms: number; p99Ms: number }>;
    const ratios = {
      grpcVsPlain: ratio(summary.grpc.requestsPerSecond, summary.plain.requestsPerSecond),
      aggregateVsPlain: ratio(summary.aggregate.requestsPerSecond, summary.plain.requestsPerSecond),
      passthroughVsPlain: ratio(
        summary.passthrough.requestsPerSecond,
        summary.plain.requestsPerSecond,
      ),
      passthroughVsPlainH2: ratio(
        summary.passthrough.requestsPerSecond,
        summary.plainH2.requestsPerSecond,
      ),
    };
    console.table(summary);
    console.log(
      `median throughput ratios: grpc/plain ${ratios.grpcVsPlain}, aggregate(3 calls)/plain ${ratios.aggregateVsPlain}, passthrough/plain ${ratios.passthroughVsPlain}, passthrough/plain-over-h2c ${ratios.passthroughVsPlainH2}`,
    );
    writeResult('protocol', {
      seconds,
      connections,
      rounds,
      loadavg: loadavg(),
      summary,
      ratios,
      samples,
    });
  } finally {
    await stopChildren(run);
    grpc.server.forceShutdown();
    for (const server of [users, orders, reviews]) server.close();
    await removeBenchRun(run);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
