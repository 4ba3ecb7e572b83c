import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackService } from './fed-gateway';
import {
  apiOf,
  type EchoBody,
  echoHandler,
  expectProblem,
  published,
  rawExchange,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';

let upstream: Upstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startUpstream(echoHandler);
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

describe('before any config is loaded', () => {
  it('answers proxied requests 503 GW_NOT_READY as problem+json and /readyz 503', async () => {
    const res = await get('/orders/1');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'GW_NOT_READY', status: 503 });
    expect(res.json().requestId).toMatch(/^req_/);
    const ready = await request(`${gw.statusUrl}/readyz`);
    expect(ready.statusCode).toBe(503);
    await ready.body.dump();
  });
});

describe('routing and forwarding', () => {
  beforeAll(async () => {
    const applied = await gw.feed(
      published(1, {
        services: [loopbackService('svc', [upstream])],
        apis: [
          apiOf('orders', '/orders', 'svc'),
          apiOf('keep', '/keep', 'svc', { stripBasePath: false }),
          apiOf('routes', '/r', 'svc', {
            routes: [{ id: 'only-get', path: '/items/:id', methods: ['GET'] }],
          }),
        ],
      }),
    );
    expect(applied).toBe(true);
  });

  it('is ready once a config is applied', async () => {
    const ready = await request(`${gw.statusUrl}/readyz`);
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toMatchObject({ version: 1 });
  });

  it('strips the base path and keeps the query', async () => {
    const res = await get('/orders/42?x=1&y=2');
    expect(res.status).toBe(200);
    expect((res.json() as EchoBody).url).toBe('/42?x=1&y=2');
  });

  it('keeps the base path when stripBasePath is false', async () => {
    expect((await get('/keep/a')).json().url).toBe('/keep/a');
  });

  it('forwards the normalised path, the one that was matched', async () => {
    expect((await get('/orders//a/./b/../c/%7Ex')).json().url).toBe('/a/c/~x');
  });

  it('answers 404 GW_ROUTE_NOT_FOUND for unknown paths and methods', async () => {
    const unknown = await get('/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.json().code).toBe('GW_ROUTE_NOT_FOUND');
    const wrongMethod = await request(`${gw.url}/r/items/1`, { method: 'DELETE' });
    await expectProblem(wrongMethod, 404, 'GW_ROUTE_NOT_FOUND');
  });

  it('serves no status, metrics or admin paths on the proxy port', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/status', '/admin', '/dp/v1/config']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.json().code).toBe('GW_ROUTE_NOT_FOUND');
    }
  });

  it.each([
    ['/orders/a%2Fb', 'encoded slash'],
    ['/orders/%2e%2e/keep/x', 'escape from the base path through encoded dots'],
    ['/orders/../keep/x', 'escape from the base path through dots'],
    ['/orders/a%5Cb', 'encoded backslash'],
  ])('rejects %s with 400 GW_BAD_REQUEST (%s) before the upstream sees it', async (path) => {
    // Raw bytes: HTTP clients resolve dot segments themselves, an attacker's client does not.
    const answer = await rawExchange(
      gw.port,
      `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"GW_BAD_REQUEST"');
    expect(answer).toContain('application/problem+json');
  });

  it('propagates a sane X-Request-Id and continues the caller trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await get('/orders/1', {
      'x-request-id': 'abc-123',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    const echoed = res.json() as EchoBody;
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    expect(echoed.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(echoed.headers.traceparent).not.toContain('00f067aa0ba902b7');
  });

  it('creates a request id and a trace when the caller sends none (or a bad one)', async () => {
    const echoed = (
      await get('/orders/1', { 'x-request-id': 'bad id with spaces' })
    ).json() as EchoBody;
    expect(echoed.headers['x-request-id']).toMatch(/^req_[0-9a-z]{26}$/);
    expect(echoed.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('sets X-Forwarded-* and Forwarded from the peer, ignoring what an untrusted client sent', async () => {
    const echoed = (
      await get('/orders/1', {
        'x-forwarded-for': '6.6.6.6',
        forwarded: 'for=6.6.6.6',
        'x-forwarded-host': 'evil',
      })
    ).json() as EchoBody;
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(echoed.headers['x-forwarded-host']).toBe(`127.0.0.1:${gw.port}`);
    expect(echoed.headers.forwarded).toBe(`for=127.0.0.1;host="127.0.0.1:${gw.port}";proto=http`);
  });

  it('records one analytics event per proxied request with route, instance and timings', async () => {
    const before = gw.analytics.events.length;
    await get('/orders/analytics', { 'x-request-id': 'analytics-1' });
    await new Promise((r) => setImmediate(r));
    const event = gw.analytics.events.slice(before).find((e) => e.requestId === 'analytics-1');
    expect(event).toMatchObject({
      apiId: 'orders',
      routeId: 'orders-all',
      serviceId: 'svc',
      instance: `127.0.0.1:${upstream.port}`,
      status: 200,
      method: 'GET',
      errorCode: null,
    });
    expect(event?.upstreamMs).toBeGreaterThanOrEqual(0);
    expect(event?.bytesOut).toBeGreaterThan(0);
  });
});
