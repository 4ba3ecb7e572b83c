import { get as httpGet, type IncomingMessage } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopBehindGateway } from './fed-gateway';
import { heldByBackpressure } from './grpc-client-support';
import { grpcService, type ShopServer } from './grpc-support';
import { apiOf, eventually, published, type TestGateway } from './harness';

/**
 * REST → gRPC against a real @grpc/grpc-js server: the gateway compiles the stored proto files at
 * apply and transcodes each HTTP/JSON request into a gRPC call.
 */
let shop: ShopServer;
let gw: TestGateway;

const NO_PASSIVE_EJECTION = { healthCheck: { passive: { enabled: false } } };

beforeAll(async () => {
  ({ shop, gw } = await startShopBehindGateway((server) => ({
    services: [
      grpcService('shop', [server.port], NO_PASSIVE_EJECTION),
      grpcService('shop-fast', [server.port], {
        ...NO_PASSIVE_EJECTION,
        timeouts: { totalMs: 300 },
        retries: { attempts: 0 },
      }),
    ],
    apis: [apiOf('shop-api', '/shop', 'shop'), apiOf('shop-fast-api', '/fast', 'shop-fast')],
  })));
});
afterAll(async () => {
  await gw.close();
  await shop.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await request(`${gw.url}${path}`, {
    method: method as 'GET',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

describe('unary calls', () => {
  it('maps an annotated GET with a path variable and a query parameter onto the method', async () => {
    const res = await call('GET', '/shop/v1/orders/9007199254740993?note=rush');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    // int64 as a string (past 2^53), the enum by name, the Timestamp as RFC 3339 text.
    expect(res.json).toEqual({
      id: '9007199254740993',
      tier: 'GOLD',
      placedAt: '2026-01-02T03:04:05.120Z',
      note: 'rush',
      servedBy: 'shop-1',
    });
  });

  it('maps an annotated PUT with body "*" and reads int64, enum and Timestamp from JSON', async () => {
    const res = await call('PUT', '/shop/v1/orders/42', {
      tier: 'SILVER',
      placedAt: '2025-12-31T23:59:59.5Z',
      note: 'n',
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      id: '42',
      tier: 'SILVER',
      placedAt: '2025-12-31T23:59:59.500Z',
      note: 'n',
      servedBy: 'shop-1',
    });
  });

  it('answers POST /<package>.<Service>/<Method> for a method without annotations', async () => {
    const res = await call('POST', '/shop/shop.v1.Orders/GetOrder', { id: '7' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: '7', tier: 'GOLD' });
  });

  it('passes the request id as metadata and sets a deadline from the service total timeout', async () => {
    const before = shop.state.calls;
    const res = await call('GET', '/shop/v1/orders/1');
    expect(res.status).toBe(200);
    expect(shop.state.calls).toBe(before + 1);
    expect(shop.state.lastMetadata?.['x-request-id']).toBe(res.headers['x-request-id']);
    // Default totalMs is 60 s: the deadline the server sees (grpc-timeout) is just under it.
    expect(shop.state.lastDeadlineMs).toBeGreaterThan(55_000);
    expect(shop.state.lastDeadlineMs).toBeLessThanOrEqual(60_000);
  });

  it('refuses JSON that does not fit the message with 400 naming the field, without calling', async () => {
    const before = shop.state.calls;
    const unknown = await call('PUT', '/shop/v1/orders/1', { colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ code: 'GW_BAD_REQUEST' });
    expect(String(unknown.json.detail)).toContain('colour: unknown field of shop.v1.Order');
    const badEnum = await call('PUT', '/shop/v1/orders/1', { tier: 'PLATINUM' });
    expect(String(badEnum.json.detail)).toContain(
      'tier: expected one of TIER_UNSPECIFIED, SILVER, GOLD',
    );
    const badTime = await call('PUT', '/shop/v1/orders/1', { placedAt: 'yesterday' });
    expect(String(badTime.json.detail)).toContain('"yesterday" is not an RFC 3339 timestamp');
    const notJson = await request(`${gw.url}/shop/v1/orders/1`, { method: 'PUT', body: '{' });
    expect(notJson.statusCode).toBe(400);
    await notJson.body.dump();
    expect(shop.state.calls).toBe(before);
  });

  it('answers 404 for a path no method is mapped to', async () => {
    const res = await call('GET', '/shop/v2/nothing');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'GW_ROUTE_NOT_FOUND' });
  });

  it('records analytics for a transcoded call with the instance and upstream latency', async () => {
    const res = await call('GET', '/shop/v1/orders/5');
    const requestId = res.headers['x-request-id'];
    await eventually(() => gw.analytics.events.some((e) => e.requestId === requestId));
    const event = gw.analytics.events.find((e) => e.requestId === requestId);
    expect(event).toMatchObject({
      apiId: 'shop-api',
      serviceId: 'shop',
      status: 200,
      method: 'GET',
    });
    expect(event?.instance).toContain(String(shop.port));
    expect(event?.upstreamMs).toBeGreaterThan(0);
    expect(event?.bytesOut).toBeGreaterThan(0);
  });
});

describe('gRPC status mapping', () => {
  const table: Array<[number, string, number]> = [
    [1, 'CANCELLED', 499],
    [2, 'UNKNOWN', 500],
    [3, 'INVALID_ARGUMENT', 400],
    [4, 'DEADLINE_EXCEEDED', 504],
    [5, 'NOT_FOUND', 404],
    [6, 'ALREADY_EXISTS', 409],
    [7, 'PERMISSION_DENIED', 403],
    [8, 'RESOURCE_EXHAUSTED', 429],
    [9, 'FAILED_PRECONDITION', 400],
    [10, 'ABORTED', 409],
    [11, 'OUT_OF_RANGE', 400],
    [12, 'UNIMPLEMENTED', 501],
    [13, 'INTERNAL', 500],
    [14, 'UNAVAILABLE', 503],
    [15, 'DATA_LOSS', 500],
    [16, 'UNAUTHENTICATED', 401],
  ];
  it.each(table)(
    'gRPC %i %s answers HTTP %i as problem+json with the gRPC code and message',
    async (code, name, status) => {
      const res = await call('POST', '/shop/shop.v1.Orders/Fail', {
        code,
        message: `because ${name}`,
      });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json).toMatchObject({
        status,
        grpcCode: code,
        grpcStatus: name,
        grpcMessage: `because ${name}`,
        requestId: res.headers['x-request-id'],
      });
    },
  );
});

describe('deadlines', () => {
  it('answers 504 GW_UPSTREAM_TIMEOUT when the call outlives the service total timeout', async () => {
    const started = performance.now();
    const res = await call('POST', '/fast/shop.v1.Orders/Slow', { delayMs: 3000 });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(504);
    expect(res.json).toMatchObject({
      code: 'GW_UPSTREAM_TIMEOUT',
      grpcCode: 4,
      grpcStatus: 'DEADLINE_EXCEEDED',
    });
    // The server saw the 300 ms deadline (grpc-timeout), and the gateway did not wait 3 s.
    expect(shop.state.lastDeadlineMs).toBeLessThanOrEqual(300);
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('server streaming', () => {
  it('answers NDJSON by default, one message per line', async () => {
    const res = await request(`${gw.url}/shop/v1/ticks?count=3`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    const lines = (await res.body.text()).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
  });

  it('answers Server-Sent Events when the client accepts text/event-stream', async () => {
    const res = await request(`${gw.url}/shop/v1/ticks?count=2`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(await res.body.text()).toBe('data: {"seq":1}\n\ndata: {"seq":2}\n\n');
  });

  it('ends a stream that fails after its first message with an in-band error, NDJSON and SSE', async () => {
    const ndjson = await request(`${gw.url}/shop/v1/ticks?count=5&failAfter=2`);
    expect(ndjson.statusCode).toBe(200);
    const lines = (await ndjson.body.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, 2)).toEqual([{ seq: 1 }, { seq: 2 }]);
    expect(lines[2]).toMatchObject({
      error: {
        status: 400,
        grpcCode: 9,
        grpcStatus: 'FAILED_PRECONDITION',
        grpcMessage: 'ran out of ticks',
      },
    });
    expect(lines).toHaveLength(3);
    const sse = await request(`${gw.url}/shop/v1/ticks?count=5&failAfter=1`, {
      headers: { accept: 'text/event-stream' },
    });
    const text = await sse.body.text();
    expect(text.startsWith('data: {"seq":1}\n\nevent: error\ndata: {')).toBe(true);
    expect(text).toContain('"grpcStatus":"FAILED_PRECONDITION"');
  });

  it('holds the upstream stream while the client is not reading, then delivers all of it', async () => {
    const count = 2000;
    const size = 64 * 1024; // 2000 × 64 KiB = 125 MiB if it were buffered
    shop.state.sent = 0;
    let response: IncomingMessage | null = null;
    httpGet(`${gw.url}/shop/v1/ticks?count=${count}&size=${size}`, (res) => {
      response = res;
      res.pause();
    });
    await eventually(() => response !== null && shop.state.sent > 0, 5000, 'stream start');
    await heldByBackpressure(() => shop.state.sent);
    expect(shop.state.sent).toBeLessThan(count / 4);
    const res = response as unknown as IncomingMessage;
    let lines = 0;
    let tail = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const parts = (tail + chunk).split('\n');
      tail = parts.pop() ?? '';
      lines += parts.length;
    });
    res.resume();
    await new Promise((resolve) => res.once('end', resolve));
    expect(lines).toBe(count);
    expect(shop.state.sent).toBe(count);
  }, 30_000);
});

describe('client going away', () => {
  it('cancels the upstream stream when the client disconnects mid-stream', async () => {
    const before = shop.state.cancelled;
    await new Promise<void>((resolve) => {
      const req = httpGet(`${gw.url}/shop/v1/ticks?count=100000&size=1024`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await eventually(
      () => shop.state.cancelled === before + 1,
      5000,
      'the server stream cancelled',
    );
    expect(shop.state.sent).toBeLessThan(100000);
  });
});

describe('config apply', () => {
  it('refuses a version whose proto does not compile, with the compiler message, keeping the last one', async () => {
    const bad = published(2, {
      services: [
        {
          ...grpcService('shop', [shop.port]),
          grpc: { protoFiles: { 'shop.proto': 'syntax = "proto3";\nmessage A { int32 x = ; }\n' } },
        },
      ],
      apis: [apiOf('shop-api', '/shop', 'shop')],
    });
    expect(await gw.feed(bad)).toBe(false);
    expect(gw.gateway.runtime.lastRefusal).toMatch(
      /service shop: proto files do not compile: illegal .*line 2/,
    );
    expect(gw.gateway.runtime.current.config?.version).toBe(1);
    const res = await call('GET', '/shop/v1/orders/3');
    expect(res.status).toBe(200);
  });
});
