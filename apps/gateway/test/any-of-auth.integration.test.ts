import { randomBytes } from 'node:crypto';
import { generateSecret, hashPassword } from '@portico/keys';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSet } from './credential-set';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf, type EchoBody } from './harness';

const JWT_SECRET = randomBytes(32).toString('hex');
const acmeKey = generateSecret('apiKey');
const unknownKey = generateSecret('apiKey');
let gw: GatewayWithUpstream;

const jwt = (sub: string) =>
  new SignJWT({ sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function call(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, { headers });
  const body = (await res.body.json()) as EchoBody & { code?: string; detail?: string };
  return { status: res.statusCode, headers: res.headers, body };
}

beforeAll(async () => {
  gw = await startGatewayWithUpstream({
    snapshot: (upstream) => ({
      services: [loopbackService('svc', [upstream])],
      apis: [
        apiOf('key-or-jwt', '/kj', 'svc', {
          auth: {
            type: 'anyOf',
            methods: [
              { type: 'key', queryParam: 'apikey' },
              { type: 'jwt', secretRef: 'hs', algorithms: ['HS256'] },
            ],
          },
        }),
        apiOf('basic-or-key', '/bk', 'svc', {
          auth: {
            type: 'anyOf',
            methods: [{ type: 'basic', realm: 'partners' }, { type: 'key' }],
          },
        }),
      ],
      plans: [{ id: 'gold', name: 'gold', apiIds: ['key-or-jwt', 'basic-or-key'] }],
    }),
    jwtSecrets: { hs: JWT_SECRET },
    credentials: credentialSet(
      [
        { id: 'con_a', name: 'acme', key: acmeKey, planId: 'gold' },
        { id: 'con_j', name: 'jetson', planId: 'gold' },
      ],
      {
        credentials: [
          {
            id: 'cred_j',
            consumerId: 'con_j',
            kind: 'basic',
            identifier: 'jetson',
            verifier: await hashPassword('jetson password'),
            matchBy: null,
            expiresAt: null,
          },
        ],
      },
    ),
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

describe('any-of authentication', () => {
  it('key or jwt: admits either credential as its own consumer', async () => {
    const byKey = await call('/kj/x', { 'x-api-key': acmeKey.clear });
    expect(byKey.status).toBe(200);
    expect(byKey.body.headers['x-consumer-name']).toBe('acme');
    const byBearerKey = await call('/kj/x', { authorization: `Bearer ${acmeKey.clear}` });
    expect(byBearerKey.body.headers['x-consumer-name']).toBe('acme');
    const byJwt = await call('/kj/x', { authorization: `Bearer ${await jwt('jetson')}` });
    expect(byJwt.status).toBe(200);
    expect(byJwt.body.headers['x-consumer-name']).toBe('jetson');
  });

  it('a key in the query parameter beside a JWT is the key, and leaves the query', async () => {
    const res = await call(`/kj/x?apikey=${acmeKey.clear}&q=1`, {
      authorization: `Bearer ${await jwt('jetson')}`,
    });
    expect(res.status).toBe(200);
    expect(res.body.headers['x-consumer-name']).toBe('acme');
    expect(res.body.url).toBe('/x?q=1');
    const lookalike = await call('/kj/x?notapikey=1', {
      authorization: `Bearer ${await jwt('jetson')}`,
    });
    expect(lookalike.body.headers['x-consumer-name']).toBe('jetson');
  });

  it('with both credentials, the first method listed decides', async () => {
    const both = await call('/kj/x', {
      'x-api-key': acmeKey.clear,
      authorization: `Bearer ${await jwt('jetson')}`,
    });
    expect(both.status).toBe(200);
    expect(both.body.headers['x-consumer-name']).toBe('acme');
  });

  it('an invalid first credential is refused as such, even beside a valid second one', async () => {
    const alone = await call('/kj/x', { 'x-api-key': unknownKey.clear });
    expect(alone.status).toBe(401);
    expect(alone.body.code).toBe('GW_KEY_INVALID');
    const beside = await call('/kj/x', {
      'x-api-key': unknownKey.clear,
      authorization: `Bearer ${await jwt('jetson')}`,
    });
    expect(beside.body.code).toBe('GW_KEY_INVALID');
    const badJwt = await call('/kj/x', { authorization: 'Bearer not.a.jwt' });
    expect(badJwt.body.code).toBe('GW_TOKEN_INVALID');
  });

  it('without any accepted credential: 401 naming each method, one challenge per kind', async () => {
    const kj = await call('/kj/x');
    expect(kj.status).toBe(401);
    expect(kj.body.code).toBe('GW_CREDENTIALS_MISSING');
    expect(kj.body.detail).toContain('key, jwt');
    expect(kj.headers['www-authenticate']).toBe('Bearer');
    const bk = await call('/bk/x', { 'x-other': 'nothing' });
    expect(bk.status).toBe(401);
    expect(bk.body.code).toBe('GW_CREDENTIALS_MISSING');
    expect(bk.body.detail).toContain('basic, key');
    expect(bk.headers['www-authenticate']).toBe('Basic realm="partners", charset="UTF-8", Bearer');
  });

  it('basic or key: admits either, and a wrong password is refused as basic', async () => {
    expect(
      (await call('/bk/x', { authorization: basic('jetson', 'jetson password') })).status,
    ).toBe(200);
    expect(
      (await call('/bk/x', { 'x-api-key': acmeKey.clear })).body.headers['x-consumer-name'],
    ).toBe('acme');
    const wrong = await call('/bk/x', {
      authorization: basic('jetson', 'nope'),
      'x-api-key': acmeKey.clear,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('GW_BASIC_INVALID');
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="partners", charset="UTF-8"');
  });
});
