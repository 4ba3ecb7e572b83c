import { randomBytes } from 'node:crypto';
import { type ControlPlane, documentedYamlExample, eventually } from '@portico/testkit';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EchoBody, TestGateway, Upstream } from './harness';
import { type IntrospectionServer, startIntrospectionServer } from './oauth2-introspection-server';
import { consumerIdOf, type SyncedStack, startSyncedStack } from './synced-stack';

/**
 * The basic, introspection and anyOf YAML examples of docs/authentication.md, applied as written
 * through the real control plane (only addresses on this machine substituted, and passwordEnv
 * replaced by the password, which is what `portico apply` sends), served by a gateway synced
 * from it.
 */
const example = (marker: string) => documentedYamlExample('authentication.md', marker);

const EXPORT_PASSWORD = 'nightly export password';
const CLIENT = { id: 'portico-gateway', secret: randomBytes(24).toString('base64url') };
const JWT_SECRET = randomBytes(32).toString('hex');
let stack: SyncedStack;
let upstream: Upstream;
let as: IntrospectionServer;
let control: ControlPlane;
let gw: TestGateway;

async function applyExample(document: string): Promise<void> {
  const result = await control.trpc<{ published: { number: number } | null }>(
    'config.applyDocument',
    { document, message: 'docs/authentication.md' },
  );
  const number = result.published?.number;
  if (gw === undefined) return;
  await eventually(
    async () => gw.gateway.runtime.current.config?.version === number,
    10_000,
    `version ${number} applied`,
  );
}

async function call(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await request(`${gw.url}${path}`, { method: method as 'GET', headers });
  const body = (await res.body.json()) as EchoBody & { code?: string; detail?: string };
  return { status: res.statusCode, headers: res.headers, body };
}

const port = (doc: string) => doc.replace(/127\.0\.0\.1:910\d/, `127.0.0.1:${upstream.port}`);

beforeAll(async () => {
  as = await startIntrospectionServer(CLIENT);
  stack = await startSyncedStack({
    nodeName: 'gw-auth-methods-docs',
    prepare: async (plane, echo) => {
      control = plane;
      upstream = echo;
      await control.trpc('secrets.create', { name: 'ledger-introspection', value: CLIENT.secret });
      await control.trpc('secrets.create', { name: 'catalog-jwt', value: JWT_SECRET });
      await applyExample(
        port(example('type: basic')).replace(
          'passwordEnv: ACME_EXPORT_PASSWORD',
          `password: ${EXPORT_PASSWORD}`,
        ),
      );
    },
  });
  gw = stack.gw;
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await as?.close();
});

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('docs/authentication.md: basic auth example', () => {
  it('forwards the documented username and password as acme, without the header', async () => {
    const res = await call('/reports/daily', {
      authorization: basic('acme-export', EXPORT_PASSWORD),
    });
    expect(res.status).toBe(200);
    expect(res.body.headers['x-consumer-name']).toBe('acme');
    expect(res.body.headers.authorization).toBeUndefined();
  });

  it('refuses a wrong password with the documented challenge', async () => {
    const res = await call('/reports/daily', { authorization: basic('acme-export', 'wrong') });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('GW_BASIC_INVALID');
    expect(res.headers['www-authenticate']).toBe('Basic realm="reports", charset="UTF-8"');
  });
});

describe('docs/authentication.md: introspection example', () => {
  beforeAll(async () => {
    await applyExample(
      port(example('type: introspection')).replace(
        'https://id.example.com/oauth2/introspect',
        as.url,
      ),
    );
  }, 30_000);

  it('admits an active token whose client_id is acme, and enforces the route scope', async () => {
    const token = randomBytes(16).toString('hex');
    as.issue(token, {
      client_id: 'acme',
      scope: 'ledger:read',
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    const read = await call('/ledger/entries', { authorization: `Bearer ${token}` });
    expect(read.status).toBe(200);
    expect(read.body.headers['x-consumer-name']).toBe('acme');
    const post = await call('/ledger/entries', { authorization: `Bearer ${token}` }, 'POST');
    expect(post.status).toBe(403);
    expect(post.body.detail).toBe('the token lacks the scope "ledger:write" this route requires');
  });

  it('refuses an inactive token', async () => {
    const res = await call('/ledger/entries', { authorization: 'Bearer never-issued' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('GW_TOKEN_INVALID');
  });
});

describe('docs/authentication.md: anyOf example', () => {
  let key = '';
  beforeAll(async () => {
    await applyExample(port(example('type: anyOf')));
    const acme = await consumerIdOf(control, 'acme');
    key = (await control.trpc<{ clear: string }>('keys.create', { consumerId: acme })).clear;
    await eventually(
      async () => (await call('/catalog/items', { 'x-api-key': key })).status === 200,
      5_000,
      'key admitted',
    );
  }, 30_000);

  it('admits a key or a JWT', async () => {
    const jwt = await new SignJWT({ sub: 'acme' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    expect(
      (await call('/catalog/items', { 'x-api-key': key })).body.headers['x-consumer-name'],
    ).toBe('acme');
    expect((await call('/catalog/items', { authorization: `Bearer ${jwt}` })).status).toBe(200);
  });

  it('answers a request with neither 401 GW_CREDENTIALS_MISSING with the Bearer challenge', async () => {
    const res = await call('/catalog/items');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('GW_CREDENTIALS_MISSING');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });
});
