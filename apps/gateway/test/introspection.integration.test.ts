import { randomBytes } from 'node:crypto';
import { freePort } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSet } from './credential-set';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf, type EchoBody } from './harness';
import { type IntrospectionServer, startIntrospectionServer } from './oauth2-introspection-server';
import { connectRedisLimiter, type RedisLimiter } from './redis-limiter';

const CLIENT = { id: 'portico-gateway', secret: randomBytes(24).toString('base64url') };
let as: IntrospectionServer;
let slowAs: IntrospectionServer;
let gw: GatewayWithUpstream;
let redis: RedisLimiter;

const future = () => Math.floor(Date.now() / 1000) + 3600;
const token = () => randomBytes(18).toString('base64url');

function introspection(url: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'introspection',
    url,
    clientId: CLIENT.id,
    clientSecretRef: 'as-client',
    ...extra,
  };
}

async function call(path: string, bearer?: string, method = 'GET') {
  const res = await request(`${gw.url}${path}`, {
    method: method as 'GET',
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  });
  const body = (await res.body.json()) as EchoBody & { code?: string; detail?: string };
  return { status: res.statusCode, headers: res.headers, body };
}

beforeAll(async () => {
  as = await startIntrospectionServer(CLIENT);
  slowAs = await startIntrospectionServer(CLIENT);
  const closedPort = await freePort();
  redis = await connectRedisLimiter({ maxLease: 64 });
  gw = await startGatewayWithUpstream({
    limiter: redis.limiter,
    snapshot: (upstream) => ({
      services: [loopbackService('svc', [upstream])],
      apis: [
        apiOf('orders', '/orders', 'svc', {
          auth: introspection(as.url, {
            requiredScopes: ['orders:read'],
            routeScopes: { write: ['orders:write'] },
          }),
          routes: [
            { id: 'rt_write', name: 'write', methods: ['POST'], path: '/*' },
            { id: 'rt_read', name: 'read', methods: ['GET'], path: '/*' },
          ],
        }),
        apiOf('metered', '/metered', 'svc', {
          auth: introspection(as.url, { consumerClaim: 'client_id' }),
        }),
        apiOf('down', '/down', 'svc', {
          auth: introspection(`http://127.0.0.1:${closedPort}/introspect`),
        }),
        apiOf('slow', '/slow', 'svc', { auth: introspection(slowAs.url, { timeoutMs: 200 }) }),
        apiOf('badclient', '/badclient', 'svc', {
          auth: introspection(as.url, { clientSecretRef: 'wrong-secret' }),
        }),
      ],
      plans: [
        { id: 'gold', name: 'gold', apiIds: ['orders', 'down', 'slow', 'badclient'] },
        {
          id: 'tight',
          name: 'tight',
          apiIds: ['metered'],
          rateLimit: { requests: 3, per: 'minute' },
        },
      ],
    }),
    jwtSecrets: { 'as-client': CLIENT.secret, 'wrong-secret': 'not-the-secret' },
    credentials: credentialSet([
      { id: 'con_a', name: 'acme', planId: 'gold' },
      { id: 'con_m', name: 'metered-app', planId: 'tight' },
    ]),
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await as?.close();
  await slowAs?.close();
  redis?.disconnect();
});

/** A fresh opaque token the authorization server reports active, with `claims`, for an hour. */
function activeToken(claims: Record<string, unknown>): string {
  const t = token();
  as.issue(t, { ...claims, exp: future() });
  return t;
}

describe('OAuth2 token introspection (RFC 7662)', () => {
  it('admits an active token as the consumer its sub names, and forwards the token', async () => {
    const t = activeToken({ sub: 'acme', scope: 'orders:read' });
    const res = await call('/orders/x', t);
    expect(res.status).toBe(200);
    expect(res.body.headers['x-consumer-name']).toBe('acme');
    expect(res.body.headers.authorization).toBe(`Bearer ${t}`);
  });

  it('asks the authorization server once per token, then answers from the cache', async () => {
    const t = activeToken({ sub: 'acme', scope: 'orders:read' });
    const before = as.calls;
    for (let i = 0; i < 6; i++) expect((await call('/orders/x', t)).status).toBe(200);
    expect(as.calls).toBe(before + 1);
  });

  it('collapses concurrent lookups of one token into one introspection', async () => {
    const t = activeToken({ sub: 'acme', scope: 'orders:read' });
    const before = as.calls;
    const answers = await Promise.all(Array.from({ length: 12 }, () => call('/orders/x', t)));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(as.calls).toBe(before + 1);
  });

  it('refuses an inactive token 401, and remembers that briefly', async () => {
    const t = token();
    const before = as.calls;
    for (let i = 0; i < 3; i++) {
      const res = await call('/orders/x', t);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('GW_TOKEN_INVALID');
    }
    expect(as.calls).toBe(before + 1);
  });

  it('refuses an expired token, also when the server still calls it active', async () => {
    const past = Math.floor(Date.now() / 1000) - 10;
    const strict = token();
    as.issue(strict, { sub: 'acme', scope: 'orders:read', exp: past });
    expect((await call('/orders/x', strict)).body.code).toBe('GW_TOKEN_INVALID');
    const lax = token();
    as.issue(lax, { sub: 'acme', scope: 'orders:read', exp: past }, { lax: true });
    const res = await call('/orders/x', lax);
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('the access token has expired');
  });

  it('answers 403 GW_INSUFFICIENT_SCOPE naming the missing scope, per route', async () => {
    const reader = activeToken({ sub: 'acme', scope: 'orders:read' });
    const write = await call('/orders/x', reader, 'POST');
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('GW_INSUFFICIENT_SCOPE');
    expect(write.body.detail).toContain('"orders:write"');
    expect(write.headers['www-authenticate']).toBe('Bearer error="insufficient_scope"');
    const none = activeToken({ sub: 'acme', scope: 'profile' });
    expect((await call('/orders/x', none)).body.detail).toContain('"orders:read"');
  });

  it('answers 401 with a Bearer challenge without a token, and 403 for a claim naming no consumer', async () => {
    const missing = await call('/orders/x');
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('GW_TOKEN_MISSING');
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    const stranger = activeToken({ sub: 'nobody', scope: 'orders:read' });
    expect((await call('/orders/x', stranger)).body.code).toBe('GW_FORBIDDEN');
  });

  it("counts requests against the mapped consumer's plan limits", async () => {
    const t = activeToken({ client_id: 'metered-app', sub: 'someone' });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | null = null;
    for (let i = 0; i < 4; i++) {
      last = await call('/metered/x', t);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.body.code).toBe('GW_RATE_LIMITED');
  });

  it('answers 503 GW_INTROSPECTION_UNAVAILABLE when the server is down, slow or refuses the gateway', async () => {
    const t = activeToken({ sub: 'acme', scope: 'orders:read' });
    const down = await call('/down/x', t);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('GW_INTROSPECTION_UNAVAILABLE');
    expect(down.body.detail).toBe('the authorization server could not be reached');
    slowAs.delayMs = 5_000;
    const slow = await call('/slow/x', t);
    expect(slow.status).toBe(503);
    expect(slow.body.detail).toBe('the authorization server did not answer within 200 ms');
    slowAs.delayMs = 0;
    slowAs.rawAnswer = '<html>maintenance</html>';
    const broken = await call('/slow/x', t);
    expect(broken.status).toBe(503);
    expect(broken.body.detail).toContain('something other than a JSON object');
    slowAs.rawAnswer = JSON.stringify({ active: true, sub: 'acme', padding: 'x'.repeat(70_000) });
    expect((await call('/slow/x', t)).body.code).toBe('GW_INTROSPECTION_UNAVAILABLE');
    const refused = await call('/badclient/x', t);
    expect(refused.status).toBe(503);
    expect(refused.body.detail).toBe('the authorization server answered 401');
  });
});
