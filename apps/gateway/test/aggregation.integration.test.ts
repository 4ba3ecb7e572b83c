import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateSecret } from '@portico/keys';
import { eventually } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSet } from './credential-set';
import { loopbackService, startFedGateway } from './fed-gateway';
import { apiOf, published, startUpstream, type TestGateway, type Upstream } from './harness';
import { connectRedisLimiter, type RedisLimiter } from './redis-limiter';

/**
 * Composite routes against three real HTTP backends: users, orders and reviews (reviews can be
 * made slow), plus a service whose only target refuses connections.
 */
const key = generateSecret('apiKey');
const perCallKey = generateSecret('apiKey');
let users: Upstream;
let orders: Upstream;
let reviews: Upstream;
let closedPort: number;
let gw: TestGateway;
let redis: RedisLimiter;
const backendHits = { users: 0, orders: 0, reviews: 0 };

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const call = (
  name: string,
  service: string,
  path: string,
  extra: Record<string, unknown> = {},
) => ({
  name,
  service,
  path,
  ...extra,
});

function route(id: string, path: string, aggregate: Record<string, unknown>) {
  return { id, name: id, methods: ['GET'], path, aggregate };
}

beforeAll(async () => {
  users = await startUpstream((req: IncomingMessage, res) => {
    backendHits.users++;
    const id = req.url?.split('/')[2] ?? '';
    if (id === '404') return json(res, 404, { error: 'no such user' });
    json(res, 200, {
      id,
      name: `User ${id}`,
      email: `u${id}@example.test`,
      passwordHash: 'secret',
    });
  });
  orders = await startUpstream((req, res) => {
    backendHits.orders++;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/orders/'))
      return json(res, 200, { id: url.pathname.split('/')[2], userId: '7', total: 42 });
    json(res, 200, [{ id: 'o1', user: url.searchParams.get('user') }]);
  });
  reviews = await startUpstream((req, res) => {
    backendHits.reviews++;
    const delay = req.url?.startsWith('/slow') ? 1500 : 0;
    const timer = setTimeout(() => json(res, 200, { stars: 5, internal: 'x' }), delay);
    res.on('close', () => clearTimeout(timer));
  });
  const down = await startUpstream(() => undefined);
  closedPort = down.port;
  await down.close();

  redis = await connectRedisLimiter({ maxLease: 1 });
  const profileCalls = [
    call('user', 'users', '/users/{params.id}', {
      allow: ['id', 'name', 'email'],
      rename: { name: 'fullName' },
    }),
    call('orders', 'orders', '/orders?user={params.id}', { into: 'orders' }),
    call('reviews', 'reviews', '/reviews/{params.id}', { into: 'reviews', deny: ['internal'] }),
  ];
  const slowCalls = [
    call('user', 'users', '/users/{params.id}', { into: 'user', allow: ['id'] }),
    call('reviews', 'reviews', '/slow', { into: 'reviews', timeoutMs: 200 }),
  ];
  gw = await startFedGateway({
    limiter: redis.limiter,
    snapshot: {
      services: [
        loopbackService('users', [users]),
        loopbackService('orders', [orders]),
        loopbackService('reviews', [reviews]),
        loopbackService('gone', [{ port: closedPort }], { retries: { attempts: 0 } }),
      ],
      apis: [
        apiOf('shop', '/shop', 'users', {
          routes: [
            route('profile', '/profile/:id', { calls: profileCalls }),
            route('order', '/order/:id', {
              mode: 'sequential',
              calls: [
                call('order', 'orders', '/orders/{params.id}', { into: 'order' }),
                call('customer', 'users', '/users/{order.userId}', {
                  into: 'customer',
                  allow: ['id', 'name'],
                }),
              ],
            }),
            route('slow-fail', '/slow-fail/:id', { calls: slowCalls }),
            route('slow-partial', '/slow-partial/:id', {
              onPartialFailure: 'partial',
              calls: slowCalls,
            }),
            route('down', '/down/:id', {
              onPartialFailure: 'partial',
              calls: [slowCalls[0], call('gone', 'gone', '/anything', { into: 'gone' })],
            }),
            route('missing-user', '/missing/:id', {
              mode: 'sequential',
              onPartialFailure: 'partial',
              calls: [
                call('user', 'users', '/users/404', { into: 'user' }),
                call('orders', 'orders', '/orders?user={user.id}', { into: 'orders' }),
              ],
            }),
          ],
        }),
        apiOf('metered', '/metered', 'users', {
          auth: { type: 'key' },
          routes: [
            route('once', '/once/:id', { calls: profileCalls }),
            route('per-call', '/per-call/:id', { countAs: 'perCall', calls: profileCalls }),
          ],
        }),
      ],
      plans: [
        { id: 'six', name: 'six', apiIds: ['metered'], rateLimit: { requests: 6, per: 'minute' } },
      ],
    },
    credentials: credentialSet([
      { id: 'con_m', name: 'metered', key, planId: 'six' },
      { id: 'con_p', name: 'per-call', key: perCallKey, planId: 'six' },
    ]),
  });
});
afterAll(async () => {
  await gw.close();
  await Promise.all([users.close(), orders.close(), reviews.close()]);
  redis.disconnect();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const res = await request(`${gw.url}${path}`, { headers });
  const body = (await res.body.json()) as Record<string, unknown>;
  return { status: res.statusCode, headers: res.headers, body, ms: performance.now() - started };
}

/** GETs a composite route expected to answer 200 marked partial (`x-portico-partial: true`). */
async function getPartial(path: string) {
  const res = await get(path);
  expect(res.status).toBe(200);
  expect(res.headers['x-portico-partial']).toBe('true');
  return res;
}

describe('composite routes', () => {
  it('calls three backends in parallel and merges with allow, deny, renames and keys', async () => {
    const res = await get('/shop/profile/7');
    expect(res.status).toBe(200);
    expect(res.headers['x-portico-partial']).toBeUndefined();
    expect(res.body).toEqual({
      id: '7',
      fullName: 'User 7',
      email: 'u7@example.test',
      orders: [{ id: 'o1', user: '7' }],
      reviews: { stars: 5 },
    });
  });

  it('runs calls in sequence, filling a later path from an earlier answer', async () => {
    const res = await get('/shop/order/31');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order: { id: '31', userId: '7', total: 42 },
      customer: { id: '7', name: 'User 7' },
    });
  });

  it('records the composite and each backend call in analytics', async () => {
    const res = await get('/shop/profile/8');
    const id = String(res.headers['x-request-id']);
    await eventually(
      () => gw.analytics.events.filter((e) => e.requestId.startsWith(id)).length === 4,
    );
    const events = gw.analytics.events.filter((e) => e.requestId.startsWith(id));
    expect(events.find((e) => e.requestId === id)).toMatchObject({
      routeId: 'profile',
      status: 200,
    });
    expect(
      events
        .filter((e) => e.requestId !== id)
        .map((e) => [e.serviceId, e.status])
        .sort(),
    ).toEqual([
      ['orders', 200],
      ['reviews', 200],
      ['users', 200],
    ]);
  });
});

describe('partial failure', () => {
  it('fails the whole answer (504) when a backend runs past its timeout under onPartialFailure: fail', async () => {
    const res = await get('/shop/slow-fail/1');
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({
      code: 'GW_UPSTREAM_TIMEOUT',
      failed: [{ call: 'reviews', code: 'GW_UPSTREAM_TIMEOUT' }],
    });
    // The 200 ms call timeout, not the backend's 1.5 s, decided.
    expect(res.ms).toBeLessThan(1200);
  });

  it('answers what arrived, marked partial, when a backend is slow under onPartialFailure: partial', async () => {
    const res = await getPartial('/shop/slow-partial/1');
    expect(res.body).toEqual({
      user: { id: '1' },
      _failed: [
        {
          call: 'reviews',
          code: 'GW_UPSTREAM_TIMEOUT',
          status: null,
          detail: 'service reviews did not answer within 200 ms',
        },
      ],
    });
    expect(res.ms).toBeLessThan(1200);
  });

  it('lists a backend that is down as failed, keeping the rest', async () => {
    const res = await getPartial('/shop/down/2');
    expect(res.body).toMatchObject({
      user: { id: '2' },
      _failed: [{ call: 'gone', code: 'GW_UPSTREAM_UNAVAILABLE' }],
    });
  });

  it('fails a sequential call whose earlier call failed, without sending it', async () => {
    const before = backendHits.orders;
    const res = await get('/shop/missing/1');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({
      code: 'GW_AGGREGATE_FAILED',
      failed: [
        { call: 'user', status: 404 },
        { call: 'orders', detail: 'an earlier call it depends on failed' },
      ],
    });
    expect(backendHits.orders).toBe(before);
  });
});

describe('plan counting', () => {
  it('counts a composite request of three calls once by default', async () => {
    const headers = { 'x-api-key': key.clear };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await get('/metered/once/1', headers)).status);
    // Six per minute: six composites pass, the seventh is limited.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
  });

  it('counts once per backend call with countAs: perCall', async () => {
    const headers = { 'x-api-key': perCallKey.clear };
    const hitsBefore = backendHits.users;
    // Two composites of three calls use the six up; the third is refused before any call.
    expect((await get('/metered/per-call/1', headers)).status).toBe(200);
    expect((await get('/metered/per-call/1', headers)).status).toBe(200);
    const third = await get('/metered/per-call/1', headers);
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('GW_RATE_LIMITED');
    expect(backendHits.users).toBe(hitsBefore + 2);
  });
});

describe('config apply', () => {
  it('refuses a version whose composite route names an unknown service or route parameter, keeping the last one', async () => {
    const version = gw.gateway.runtime.current.config?.version;
    const withRoute = (aggregate: Record<string, unknown>) =>
      published(2, {
        services: [loopbackService('users', [users])],
        apis: [apiOf('shop', '/shop', 'users', { routes: [route('bad', '/bad/:id', aggregate)] })],
      });
    expect(await gw.feed(withRoute({ calls: [call('x', 'nowhere', '/x')] }))).toBe(false);
    expect(gw.gateway.runtime.lastRefusal).toContain(
      'API shop: route bad: call x names unknown service nowhere',
    );
    expect(
      await gw.feed(withRoute({ calls: [call('x', 'users', '/users/{params.userId}')] })),
    ).toBe(false);
    expect(gw.gateway.runtime.lastRefusal).toContain(
      'call x uses {params.userId}, which the route path /bad/:id does not have',
    );
    expect(
      await gw.feed(
        withRoute({ calls: [call('a', 'users', '/u'), call('b', 'users', '/u/{a.id}')] }),
      ),
    ).toBe(false);
    expect(gw.gateway.runtime.lastRefusal).toContain(
      'must name an earlier call of a sequential aggregate',
    );
    expect(gw.gateway.runtime.current.config?.version).toBe(version);
    expect((await get('/shop/profile/7')).status).toBe(200);
  });
});
