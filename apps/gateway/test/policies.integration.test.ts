import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf, type EchoBody, expectProblem } from './harness';

let gw: GatewayWithUpstream;
let hits = 0;

beforeAll(async () => {
  gw = await startGatewayWithUpstream({
    upstream: (req, res) => {
      hits++;
      const body = JSON.stringify({ url: req.url, headers: req.headers, hit: hits });
      const headers: Record<string, string | string[]> = {
        'content-type': 'application/json',
        'x-internal': 'secret',
      };
      if (req.url?.includes('nostore')) headers['cache-control'] = 'no-store';
      // Two Cache-Control lines: together they forbid storing the answer.
      if (req.url?.includes('split-directives'))
        headers['cache-control'] = ['max-age=60', 'no-store'];
      res.writeHead(200, headers);
      res.end(body);
    },
    snapshot: (upstream) => ({
      services: [loopbackService('svc', [upstream])],
      apis: [
        apiOf('cors', '/cors', 'svc', {
          policies: {
            cors: {
              allowOrigins: ['https://app.test'],
              allowHeaders: ['x-custom'],
              exposeHeaders: ['x-total'],
              allowCredentials: true,
            },
          },
        }),
        apiOf('deny', '/deny', 'svc', { policies: { ipDeny: ['127.0.0.0/8', '::1/128'] } }),
        apiOf('allow6', '/allow6', 'svc', { policies: { ipAllow: ['2001:db8::/32'] } }),
        apiOf('trusted', '/trusted', 'svc', {
          policies: { trustedProxies: ['127.0.0.1/32'], ipAllow: ['203.0.113.0/24'] },
        }),
        apiOf('headers', '/headers', 'svc', {
          policies: {
            requestHeaders: { add: { 'x-added': 'yes' }, remove: ['x-drop'] },
            responseHeaders: { add: { 'x-frame-options': 'DENY' }, remove: ['x-internal'] },
          },
        }),
        apiOf('cached', '/cached', 'svc', {
          policies: { cache: { enabled: true, ttlSeconds: 60 } },
        }),
      ],
    }),
  });
});
afterAll(async () => {
  await gw.close();
});

describe('CORS', () => {
  it('answers an allowed preflight at the gateway without calling the upstream', async () => {
    const before = hits;
    const res = await request(`${gw.url}/cors/a`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.test', 'access-control-request-method': 'POST' },
    });
    await res.body.dump();
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.test');
    expect(res.headers['access-control-allow-headers']).toBe('x-custom');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(hits).toBe(before);
  });
  it('gives a disallowed origin no CORS headers', async () => {
    const res = await request(`${gw.url}/cors/a`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' },
    });
    await res.body.dump();
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
  it('adds CORS headers to proxied responses for allowed origins', async () => {
    const res = await request(`${gw.url}/cors/a`, { headers: { origin: 'https://app.test' } });
    await res.body.dump();
    expect(res.headers['access-control-allow-origin']).toBe('https://app.test');
    expect(res.headers['access-control-expose-headers']).toBe('x-total');
  });
});

describe('IP allow and deny lists', () => {
  it('refuses a denied IPv4 client with 403 GW_FORBIDDEN', async () => {
    const res = await request(`${gw.url}/deny/a`);
    await expectProblem(res, 403, 'GW_FORBIDDEN');
  });
  it('refuses a client outside an IPv6 allow list', async () => {
    const res = await request(`${gw.url}/allow6/a`);
    expect(res.statusCode).toBe(403);
    await res.body.dump();
  });
  it('uses the X-Forwarded-For client address only behind a trusted proxy', async () => {
    const allowed = await request(`${gw.url}/trusted/a`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    const echoed = (await allowed.body.json()) as EchoBody;
    expect(allowed.statusCode).toBe(200);
    expect(echoed.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    const refused = await request(`${gw.url}/trusted/a`, {
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    expect(refused.statusCode).toBe(403);
    await refused.body.dump();
  });
});

describe('header transforms', () => {
  it('adds and removes request and response headers', async () => {
    const res = await request(`${gw.url}/headers/a`, {
      headers: { 'x-drop': 'gone', 'x-keep': 'kept' },
    });
    const echoed = (await res.body.json()) as EchoBody;
    expect(echoed.headers['x-added']).toBe('yes');
    expect(echoed.headers['x-drop']).toBeUndefined();
    expect(echoed.headers['x-keep']).toBe('kept');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-internal']).toBeUndefined();
  });
});

describe('response cache', () => {
  it('serves a repeated GET from memory with X-Cache HIT and honours no-cache and no-store', async () => {
    const first = await request(`${gw.url}/cached/item`);
    const firstBody = (await first.body.json()) as { hit: number };
    expect(first.headers['x-cache']).toBe('MISS');
    let second = await request(`${gw.url}/cached/item`);
    // The entry is stored when the first body finishes streaming; poll briefly for it.
    for (let i = 0; i < 50 && second.headers['x-cache'] !== 'HIT'; i++) {
      await second.body.dump();
      second = await request(`${gw.url}/cached/item`);
    }
    expect(second.headers['x-cache']).toBe('HIT');
    expect(((await second.body.json()) as { hit: number }).hit).toBe(firstBody.hit);
    const forced = await request(`${gw.url}/cached/item`, {
      headers: { 'cache-control': 'no-cache' },
    });
    expect(forced.headers['x-cache']).toBe('MISS');
    await forced.body.dump();
    const a = await request(`${gw.url}/cached/nostore`);
    await a.body.dump();
    const b = await request(`${gw.url}/cached/nostore`);
    expect(b.headers['x-cache']).toBe('MISS');
    await b.body.dump();
  });

  it('reads every Cache-Control line the upstream sends: no-store on the second line is honoured', async () => {
    const hitsBefore = hits;
    const first = await request(`${gw.url}/cached/split-directives`);
    expect(first.headers['x-cache']).toBe('MISS');
    // Both lines reach the client as the upstream sent them.
    expect(first.headers['cache-control']).toEqual(['max-age=60', 'no-store']);
    await first.body.dump();
    const second = await request(`${gw.url}/cached/split-directives`);
    expect(second.headers['x-cache']).toBe('MISS');
    await second.body.dump();
    expect(hits).toBe(hitsBefore + 2);
  });
});
