import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientReadableStream,
  credentials,
  type Metadata,
  makeGenericClientConstructor,
} from '@grpc/grpc-js';
import { generateSecret } from '@portico/keys';
import { type CertificateFolder, makeCertificateFolder } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSet } from './credential-set';
import { loopbackService } from './fed-gateway';
import { metadataOf, type ShopClient, shopClient, unaryCall } from './grpc-client-support';
import { definitionOf, grpcService, type ShopServer, startShopServer } from './grpc-support';
import {
  apiOf,
  echoHandler,
  eventually,
  published,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';
import { connectRedisLimiter, type RedisLimiter } from './redis-limiter';

/**
 * gRPC clients (real grpc-js) calling real grpc-js servers straight through the gateway: h2c
 * with prior knowledge on the plain proxy port (which still serves HTTP/1.1), and h2 on the TLS
 * listener, with keys, a plan's rate limit in real Redis, metadata, statuses, deadlines,
 * cancellation and analytics.
 */
type Json = Record<string, unknown>;

const wide = generateSecret('apiKey');
const narrow = generateSecret('apiKey');
let shop: ShopServer;
let echo: Upstream;
let gw: TestGateway;
let redis: RedisLimiter;
let tlsPort = 0;
let certificates: CertificateFolder | undefined;
let caPem = '';
const clients: Client[] = [];

function client(
  port: number,
  options: ChannelOptions = {},
  channel?: ChannelCredentials,
): ShopClient {
  const made = shopClient(port, options, channel);
  clients.push(made);
  return made;
}

const keyed = (extra: Record<string, string> = {}) =>
  metadataOf({ 'x-api-key': wide.clear, ...extra });

beforeAll(async () => {
  certificates = makeCertificateFolder('grpc-pass');
  const pair = certificates.serverPair('grpc.test', 'DNS:grpc.test');
  caPem = pair.certPem;
  shop = await startShopServer('shop-1');
  echo = await startUpstream(echoHandler);
  redis = await connectRedisLimiter({ maxLease: 1 });
  gw = await startGateway({ limiter: redis.limiter });
  await new Promise<void>((resolve) =>
    gw.gateway.tlsProxy.server.listen(0, '127.0.0.1', () => resolve()),
  );
  tlsPort = (gw.gateway.tlsProxy.server.address() as AddressInfo).port;
  const config = published(1, {
    services: [
      grpcService('shop', [shop.port], { timeouts: { totalMs: 1500 } }),
      loopbackService('echo', [echo]),
    ],
    apis: [
      // A base path gRPC clients never send: calls reach it through the method index.
      apiOf('shop-api', '/shop', 'shop', { auth: { type: 'key' } }),
      apiOf('echo-api', '/echo', 'echo'),
      apiOf('denied-api', '/', 'shop', {
        hosts: ['denied.test'],
        policies: { ipDeny: ['127.0.0.0/8'] },
      }),
    ],
    plans: [
      { id: 'wide', name: 'wide', apiIds: ['shop-api'] },
      {
        id: 'three',
        name: 'three',
        apiIds: ['shop-api'],
        rateLimit: { requests: 3, per: 'minute' },
      },
    ],
    certificates: [
      {
        id: 'crt_grpc',
        name: 'grpc',
        hosts: ['grpc.test'],
        certPem: pair.certPem,
        keyFingerprint: 'f0',
      },
    ],
  });
  const applied = await gw.feed(
    { ...config, secrets: { ...config.secrets, tlsKeys: { crt_grpc: pair.keyPem } } },
    credentialSet([
      { id: 'con_wide', name: 'wide-user', key: wide, keyId: 'key_w', planId: 'wide' },
      { id: 'con_narrow', name: 'narrow-user', key: narrow, keyId: 'key_n', planId: 'three' },
    ]),
  );
  expect(applied).toBe(true);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await gw?.close();
  await shop?.close();
  await echo?.close();
  redis?.disconnect();
  certificates?.remove();
});

describe('gRPC pass-through over h2c on the plain proxy port', () => {
  it('passes a unary call through with its metadata, less the key, and records it', async () => {
    const before = shop.state.calls;
    const requestId = `req_pass${randomBytes(6).toString('hex')}`;
    const result = await unaryCall(
      client(gw.port),
      'GetOrder',
      { id: '9007199254740993', note: 'rush' },
      { metadata: keyed({ 'x-note': 'hello', 'x-request-id': requestId }) },
    );
    expect(result.error).toBeNull();
    expect(result.response).toMatchObject({
      id: '9007199254740993',
      note: 'rush',
      servedBy: 'shop-1',
    });
    expect(shop.state.calls).toBe(before + 1);
    const seen = shop.state.lastMetadata ?? {};
    expect(seen['x-note']).toBe('hello');
    expect(seen['x-consumer-id']).toBe('con_wide');
    expect(seen['x-request-id']).toBe(requestId);
    expect(seen['x-api-key']).toBeUndefined();
    await eventually(() => gw.analytics.events.some((e) => e.requestId === requestId));
    const event = gw.analytics.events.find((e) => e.requestId === requestId);
    expect(event).toMatchObject({
      apiId: 'shop-api',
      serviceId: 'shop',
      consumerId: 'con_wide',
      keyId: 'key_w',
      method: 'POST',
      status: 200,
      errorCode: null,
    });
    expect(event?.instance).not.toBeNull();
    expect(event?.upstreamMs).toBeGreaterThan(0);
    expect(event?.bytesIn).toBeGreaterThan(0);
    expect(event?.bytesOut).toBeGreaterThan(0);
  });

  it('takes the key as a bearer token and keeps it from the server', async () => {
    const result = await unaryCall(
      client(gw.port),
      'GetOrder',
      { id: '5' },
      { metadata: metadataOf({ authorization: `Bearer ${wide.clear}` }) },
    );
    expect(result.error).toBeNull();
    expect(shop.state.lastMetadata?.authorization).toBeUndefined();
    expect(shop.state.lastMetadata?.['x-consumer-id']).toBe('con_wide');
  });

  it('streams a server-streaming call through', async () => {
    const stream = (client(gw.port).Watch as (m: Json, md: Metadata) => ClientReadableStream<Json>)(
      { count: 25, size: 100 },
      keyed(),
    );
    const ticks: number[] = [];
    stream.on('data', (tick: Json) => ticks.push(Number(tick.seq)));
    const status = await new Promise<{ code: number }>((resolve) => stream.on('status', resolve));
    expect(status.code).toBe(0);
    expect(ticks).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it("relays the server's status and message, and records the mapped HTTP status", async () => {
    const requestId = `req_fail${randomBytes(6).toString('hex')}`;
    const result = await unaryCall(
      client(gw.port),
      'Fail',
      { code: 5, message: 'no order 9 — gone' },
      { metadata: keyed({ 'x-request-id': requestId }) },
    );
    expect(result.error?.code).toBe(5);
    expect(result.error?.details).toBe('no order 9 — gone');
    await eventually(() => gw.analytics.events.some((e) => e.requestId === requestId));
    expect(gw.analytics.events.find((e) => e.requestId === requestId)).toMatchObject({
      status: 404,
      errorCode: 'GW_UPSTREAM_GRPC_STATUS',
    });
  });

  it('answers a missing or invalid key with UNAUTHENTICATED and never calls the server', async () => {
    const before = shop.state.calls;
    const missing = await unaryCall(client(gw.port), 'GetOrder', { id: '1' });
    expect(missing.error?.code).toBe(16);
    expect(missing.error?.details).toMatch(/API key/);
    const invalid = await unaryCall(
      client(gw.port),
      'GetOrder',
      { id: '1' },
      { metadata: metadataOf({ 'x-api-key': 'pk_live_nope' }) },
    );
    expect(invalid.error?.code).toBe(16);
    expect(shop.state.calls).toBe(before);
    const refused = gw.analytics.events.filter(
      (e) => e.apiId === 'shop-api' && e.errorCode?.startsWith('GW_KEY_'),
    );
    expect(refused.map((e) => e.status)).toEqual([401, 401]);
  });

  it("answers RESOURCE_EXHAUSTED past the plan's rate limit, the server called exactly N times", async () => {
    const before = shop.state.calls;
    const c = client(gw.port);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await unaryCall(
        c,
        'GetOrder',
        { id: String(i) },
        { metadata: metadataOf({ 'x-api-key': narrow.clear }) },
      );
      codes.push(result.error?.code ?? 0);
    }
    expect(codes).toEqual([0, 0, 0, 8, 8]);
    expect(shop.state.calls).toBe(before + 3);
    // Each call is one analytics event: three served, two refused as 429.
    await eventually(
      () => gw.analytics.events.filter((e) => e.consumerId === 'con_narrow').length === 5,
    );
    const statuses = gw.analytics.events
      .filter((e) => e.consumerId === 'con_narrow')
      .map((e) => e.status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("honours the client's deadline, capped by the service's total timeout", async () => {
    const c = client(gw.port);
    // A call to Slow (5 s) under a deadline this many ms from now.
    const slowWithin = (ms: number) =>
      unaryCall(
        c,
        'Slow',
        { delayMs: 5000 },
        { metadata: keyed(), call: { deadline: Date.now() + ms } },
      );
    const short = await slowWithin(300);
    expect(short.error?.code).toBe(4);
    expect(shop.state.lastDeadlineMs).toBeLessThanOrEqual(300);
    const long = await slowWithin(60_000);
    expect(long.error?.code).toBe(4);
    expect(shop.state.lastDeadlineMs).toBeLessThanOrEqual(1500);
    expect(shop.state.lastDeadlineMs).toBeGreaterThan(300);
  });

  it("ends a stream still running at the service's total timeout with DEADLINE_EXCEEDED", async () => {
    const stream = (client(gw.port).Watch as (m: Json, md: Metadata) => ClientReadableStream<Json>)(
      { count: 3_000_000, size: 10 },
      keyed(),
    );
    let received = 0;
    stream.on('data', () => {
      received++;
    });
    stream.on('error', () => undefined);
    const status = await new Promise<{ code: number; details: string }>((resolve) =>
      stream.on('status', resolve),
    );
    expect(status.code).toBe(4);
    expect(status.details).toBe('the call did not finish within 1500 ms');
    expect(received).toBeGreaterThan(0);
  }, 20_000);

  it('cancels the upstream call when the client cancels', async () => {
    const before = shop.state.cancelled;
    const stream = (client(gw.port).Watch as (m: Json, md: Metadata) => ClientReadableStream<Json>)(
      { count: 100_000, size: 1000 },
      keyed(),
    );
    await new Promise((resolve) => stream.once('data', resolve));
    stream.on('error', () => undefined);
    stream.cancel();
    await eventually(() => shop.state.cancelled > before, 10_000, 'server saw the cancel');
  });

  it('still serves HTTP/1.1 on the same port, proxied and transcoded', async () => {
    const proxied = await request(`${gw.url}/echo/hello`);
    expect(proxied.statusCode).toBe(200);
    expect(((await proxied.body.json()) as { url: string }).url).toBe('/hello');
    const transcoded = await request(`${gw.url}/shop/v1/orders/7`, {
      headers: { 'x-api-key': wide.clear },
    });
    expect(transcoded.statusCode).toBe(200);
    expect(await transcoded.body.json()).toMatchObject({ id: '7', servedBy: 'shop-1' });
  });

  it('answers an address the API refuses with PERMISSION_DENIED, the server not called', async () => {
    const before = shop.state.calls;
    const c = client(gw.port, { 'grpc.default_authority': 'denied.test' });
    const result = await unaryCall(c, 'GetOrder', { id: '1' });
    expect(result.error?.code).toBe(7);
    expect(shop.state.calls).toBe(before);
  });

  it('answers a method no API serves with UNIMPLEMENTED', async () => {
    const Other = makeGenericClientConstructor(
      { Ping: { ...definitionOf().GetOrder, path: '/other.v1.Nope/Ping' } } as never,
      'Nope',
    );
    const c = new Other(`127.0.0.1:${gw.port}`, credentials.createInsecure()) as ShopClient;
    clients.push(c);
    const result = await unaryCall(c, 'Ping', { id: '1' }, { metadata: keyed() });
    expect(result.error?.code).toBe(12);
  });
});

describe('gRPC pass-through over TLS on the TLS listener', () => {
  it('passes unary and streaming calls through h2 negotiated by ALPN', async () => {
    const c = client(
      tlsPort,
      { 'grpc.ssl_target_name_override': 'grpc.test', 'grpc.default_authority': 'grpc.test' },
      credentials.createSsl(Buffer.from(caPem)),
    );
    const result = await unaryCall(
      c,
      'GetOrder',
      { id: '11' },
      { metadata: keyed({ 'x-note': 'tls' }) },
    );
    expect(result.error).toBeNull();
    expect(result.response).toMatchObject({ id: '11', servedBy: 'shop-1' });
    expect(shop.state.lastMetadata?.['x-note']).toBe('tls');
    const stream = (c.Watch as (m: Json, md: Metadata) => ClientReadableStream<Json>)(
      { count: 3 },
      keyed(),
    );
    const ticks: number[] = [];
    stream.on('data', (tick: Json) => ticks.push(Number(tick.seq)));
    await new Promise((resolve) => stream.on('status', resolve));
    expect(ticks).toEqual([1, 2, 3]);
    const refused = await unaryCall(c, 'GetOrder', { id: '1' });
    expect(refused.error?.code).toBe(16);
  });
});
