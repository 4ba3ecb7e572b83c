import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSecret } from '@portico/keys';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWKS_COOLDOWN_MS } from '../src/auth/jwt-auth';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf, type EchoBody, eventually } from './harness';
import { connectRedisLimiter, type RedisLimiter } from './redis-limiter';

const keys = {
  valid: generateSecret('apiKey'),
  expired: generateSecret('apiKey'),
  revoked: generateSecret('apiKey'),
  suspended: generateSecret('apiKey'),
  unsubscribed: generateSecret('apiKey'),
  limited: generateSecret('apiKey'),
  quota: generateSecret('apiKey'),
  unknown: generateSecret('apiKey'),
};
const JWT_SECRET = randomBytes(32).toString('hex');

let gw: GatewayWithUpstream;
let redis: RedisLimiter;
let jwks: { keys: object[] } = { keys: [] };
let jwksFetches = 0;
let jwksServer: ReturnType<typeof createServer>;
let jwksUrl = '';

beforeAll(async () => {
  jwksServer = createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  // As the gateway runs by default: leases for busy consumers, none near a limit.
  redis = await connectRedisLimiter({ maxLease: 64 });
  const key = (
    id: string,
    consumerId: string,
    secret: { hash: string },
    expiresAt: string | null = null,
  ) => ({ id, consumerId, hash: secret.hash, expiresAt });
  gw = await startGatewayWithUpstream({
    limiter: redis.limiter,
    snapshot: (upstream) => ({
      services: [loopbackService('svc', [upstream])],
      apis: [
        apiOf('keyed', '/keyed', 'svc', { auth: { type: 'key', queryParam: 'apikey' } }),
        apiOf('other', '/other', 'svc', { auth: { type: 'key' } }),
        apiOf('limited', '/limited', 'svc', { auth: { type: 'key' } }),
        apiOf('quota', '/quota', 'svc', { auth: { type: 'key' } }),
        apiOf('hs', '/hs', 'svc', {
          auth: {
            type: 'jwt',
            secretRef: 'hs',
            algorithms: ['HS256'],
            issuer: 'https://issuer.test',
            audience: 'portico',
          },
        }),
        apiOf('rs', '/rs', 'svc', { auth: { type: 'jwt', jwksUrl, algorithms: ['ES256'] } }),
      ],
      plans: [
        { id: 'gold', name: 'gold', apiIds: ['keyed', 'hs', 'rs'] },
        {
          id: 'tight',
          name: 'tight',
          apiIds: ['limited'],
          rateLimit: { requests: 3, per: 'minute' },
          quota: { requests: 1000, per: 'day' },
        },
        {
          id: 'small-quota',
          name: 'small-quota',
          apiIds: ['quota'],
          rateLimit: { requests: 1000, per: 'second' },
          quota: { requests: 2, per: 'day' },
        },
      ],
    }),
    jwtSecrets: { hs: JWT_SECRET },
    credentials: {
      seq: 10,
      set: {
        consumers: [
          { id: 'con_a', name: 'acme', status: 'active' },
          { id: 'con_s', name: 'sleepy', status: 'suspended' },
          { id: 'con_u', name: 'loner', status: 'active' },
          { id: 'con_l', name: 'limited', status: 'active' },
          { id: 'con_q', name: 'quota', status: 'active' },
        ],
        keys: [
          key('key_valid', 'con_a', keys.valid),
          key('key_expired', 'con_a', keys.expired, new Date(Date.now() - 1000).toISOString()),
          key('key_revoked', 'con_a', keys.revoked),
          key('key_susp', 'con_s', keys.suspended),
          key('key_unsub', 'con_u', keys.unsubscribed),
          key('key_lim', 'con_l', keys.limited),
          key('key_quota', 'con_q', keys.quota),
        ],
        subscriptions: [
          { id: 'sub_a', consumerId: 'con_a', planId: 'gold' },
          { id: 'sub_s', consumerId: 'con_s', planId: 'gold' },
          { id: 'sub_l', consumerId: 'con_l', planId: 'tight' },
          { id: 'sub_q', consumerId: 'con_q', planId: 'small-quota' },
        ],
      },
    },
  });
});
afterAll(async () => {
  await gw.close();
  jwksServer.closeAllConnections();
  jwksServer.close();
  redis.disconnect();
});

async function call(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, { headers });
  const body = (await res.body.json()) as EchoBody & { code?: string; detail?: string };
  return { status: res.statusCode, headers: res.headers, body };
}

/** `times` calls in a row with one API key, for limits: the answers in order. */
async function callRepeatedly(path: string, apiKey: string, times: number) {
  const answers: Awaited<ReturnType<typeof call>>[] = [];
  for (let i = 0; i < times; i++) answers.push(await call(path, { 'x-api-key': apiKey }));
  return answers;
}

/** A credential delta at `seq`, each change stamped with it as the control plane's log does. */
function delta(seq: number, ...changes: Record<string, unknown>[]) {
  return { seq, changes: changes.map((change) => ({ seq, ...change })) };
}

describe('API key authentication', () => {
  it('admits a valid key and sends consumer identity upstream, never the key', async () => {
    for (const headers of [
      { 'x-api-key': keys.valid.clear } as Record<string, string>,
      { authorization: `Bearer ${keys.valid.clear}` },
    ]) {
      const res = await call('/keyed/a', headers);
      expect(res.status).toBe(200);
      expect(res.body.headers).toMatchObject({
        'x-consumer-id': 'con_a',
        'x-consumer-name': 'acme',
        'x-portico-plan': 'gold',
      });
      expect(JSON.stringify(res.body.headers)).not.toContain(keys.valid.clear);
    }
  });

  it('takes the key from the configured query parameter and removes it before forwarding', async () => {
    const res = await call(`/keyed/a?x=1&apikey=${keys.valid.clear}`);
    expect(res.status).toBe(200);
    expect(res.body.url).toBe('/a?x=1');
  });

  it('ignores identity headers a client tries to forge', async () => {
    const res = await call('/keyed/a', {
      'x-api-key': keys.valid.clear,
      'x-consumer-id': 'con_admin',
    });
    expect(res.body.headers['x-consumer-id']).toBe('con_a');
  });

  it.each([
    ['missing', {}, 401, 'GW_KEY_MISSING'],
    ['malformed (no lookup)', { 'x-api-key': 'pk_notakey' }, 401, 'GW_KEY_INVALID'],
    ['well-formed but unknown', { 'x-api-key': keys.unknown.clear }, 401, 'GW_KEY_INVALID'],
    ['expired', { 'x-api-key': keys.expired.clear }, 401, 'GW_KEY_INVALID'],
    ['of a suspended consumer', { 'x-api-key': keys.suspended.clear }, 403, 'GW_FORBIDDEN'],
    [
      'of a consumer without a subscription',
      { 'x-api-key': keys.unsubscribed.clear },
      403,
      'GW_FORBIDDEN',
    ],
  ] as const)('refuses a key that is %s', async (_name, headers, status, code) => {
    const res = await call('/keyed/a', headers);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
  });

  it('refuses a valid key on an API its plan does not include', async () => {
    const res = await call('/other/a', { 'x-api-key': keys.valid.clear });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('GW_FORBIDDEN');
  });

  it('stops a key the moment its revocation delta is applied', async () => {
    expect((await call('/keyed/a', { 'x-api-key': keys.revoked.clear })).status).toBe(200);
    await gw.feed(null, delta(11, { type: 'key.delete', id: 'key_revoked' }));
    const res = await call('/keyed/a', { 'x-api-key': keys.revoked.clear });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('GW_KEY_INVALID');
    expect((await call('/keyed/a', { 'x-api-key': keys.valid.clear })).status).toBe(200);
  });

  it('suspending a consumer by delta turns its key into 403', async () => {
    await gw.feed(
      null,
      delta(12, {
        type: 'consumer.upsert',
        consumer: { id: 'con_s', name: 'sleepy', status: 'suspended' },
      }),
    );
    await gw.feed(
      null,
      delta(
        13,
        { type: 'consumer.upsert', consumer: { id: 'con_u', name: 'loner', status: 'active' } },
        {
          type: 'subscription.upsert',
          subscription: { id: 'sub_u', consumerId: 'con_u', planId: 'gold' },
        },
      ),
    );
    expect((await call('/keyed/a', { 'x-api-key': keys.unsubscribed.clear })).status).toBe(200);
  });
});

describe('rate limit and quota through the real limiter on Redis', () => {
  it('admits the plan rate and then answers 429 GW_RATE_LIMITED with RateLimit headers', async () => {
    const answers = await callRepeatedly('/limited/x', keys.limited.clear, 4);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]?.headers['ratelimit-policy']).toBeDefined();
    const last = answers.at(-1);
    expect(last?.body.code).toBe('GW_RATE_LIMITED');
    expect(last?.headers['retry-after']).toBeDefined();
    expect(last?.headers['content-type']).toBe('application/problem+json');
  });
});

describe('quota through the real limiter on Redis', () => {
  it('admits the quota and then answers 429 GW_QUOTA_EXCEEDED saying when it resets', async () => {
    const answers = await callRepeatedly('/quota/x', keys.quota.clear, 3);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
    const last = answers.at(-1);
    expect(last?.body.code).toBe('GW_QUOTA_EXCEEDED');
    expect(last?.headers['retry-after']).toBeDefined();
    expect(last?.body.detail).toBeTruthy();
  });
});

describe('JWT authentication', () => {
  const sign = (claims: Record<string, unknown>, secret = JWT_SECRET) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setIssuer('https://issuer.test')
      .setAudience('portico')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

  it('admits a token signed with the shared secret whose sub names a consumer', async () => {
    const res = await call('/hs/a', { authorization: `Bearer ${await sign({ sub: 'con_a' })}` });
    expect(res.status).toBe(200);
    expect(res.body.headers['x-consumer-id']).toBe('con_a');
  });

  it('refuses wrong signatures, expired tokens, wrong audience and missing tokens', async () => {
    const wrongSecret = await call('/hs/a', {
      authorization: `Bearer ${await sign({ sub: 'con_a' }, 'other-secret-other-secret-other!!')}`,
    });
    expect([wrongSecret.status, wrongSecret.body.code]).toEqual([401, 'GW_TOKEN_INVALID']);
    const expiredToken = await new SignJWT({ sub: 'con_a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.test')
      .setAudience('portico')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const expired = await call('/hs/a', { authorization: `Bearer ${expiredToken}` });
    expect([expired.status, expired.body.detail]).toEqual([401, 'the token has expired']);
    const audience = await call('/hs/a', {
      authorization: `Bearer ${await new SignJWT({ sub: 'con_a' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://issuer.test').setAudience('elsewhere').setExpirationTime('5m').sign(new TextEncoder().encode(JWT_SECRET))}`,
    });
    expect([audience.status, audience.body.code]).toEqual([401, 'GW_TOKEN_INVALID']);
    const missing = await call('/hs/a');
    expect([missing.status, missing.body.code]).toEqual([401, 'GW_TOKEN_MISSING']);
  });

  it('refuses a valid token whose consumer is suspended or unknown with 403', async () => {
    expect(
      (await call('/hs/a', { authorization: `Bearer ${await sign({ sub: 'con_s' })}` })).status,
    ).toBe(403);
    expect(
      (await call('/hs/a', { authorization: `Bearer ${await sign({ sub: 'nobody' })}` })).status,
    ).toBe(403);
  });

  it('follows a rotating JWKS: a new kid triggers one refresh, and made-up kids do not flood it', async () => {
    const first = await generateKeyPair('ES256');
    jwks = { keys: [{ ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'ES256' }] };
    const tokenFor = (key: Parameters<SignJWT['sign']>[0], kid: string) =>
      new SignJWT({ sub: 'con_a' })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setExpirationTime('5m')
        .sign(key);
    expect(
      (await call('/rs/a', { authorization: `Bearer ${await tokenFor(first.privateKey, 'k1')}` }))
        .status,
    ).toBe(200);
    const fetchesAfterFirst = jwksFetches;

    // Rotation: k2 appears in the JWKS; jose refetches on the unknown kid only after its cooldown.
    const second = await generateKeyPair('ES256');
    jwks = {
      keys: [...jwks.keys, { ...(await exportJWK(second.publicKey)), kid: 'k2', alg: 'ES256' }],
    };
    for (let i = 0; i < 5; i++)
      await call('/rs/a', {
        authorization: `Bearer ${await tokenFor(second.privateKey, `made-up-${i}`)}`,
      });
    // Unknown kids within the cooldown do not turn into JWKS fetches.
    expect(jwksFetches).toBe(fetchesAfterFirst);
    // Once the cooldown has passed, the unknown kid k2 makes one refetch and is admitted.
    const k2 = `Bearer ${await tokenFor(second.privateKey, 'k2')}`;
    await eventually(
      async () => (await call('/rs/a', { authorization: k2 })).status === 200,
      JWKS_COOLDOWN_MS + 5000,
      'k2 accepted',
    );
    expect(jwksFetches).toBe(fetchesAfterFirst + 1);
  }, 30_000);
});
