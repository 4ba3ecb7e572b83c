import { randomBytes } from 'node:crypto';
import { documentedYamlExample } from '@portico/testkit';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingEcho, type TestGateway } from './harness';
import { type SyncedStack, startSyncedStack } from './synced-stack';

/** The required-scopes YAML example of docs/authentication.md, exactly as written there. */
const documented = documentedYamlExample('authentication.md', 'secretRef: orders-jwt');

const SECRET = randomBytes(32).toString('hex');
let stack: SyncedStack;
let gw: TestGateway;
const countingEcho = new CountingEcho();

async function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('https://id.example.com')
    .setSubject('acme')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

async function send(method: 'GET' | 'POST', path: string, jwt: string) {
  const before = countingEcho.hits;
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${jwt}` },
  });
  const body = (await res.body.json()) as { code?: string; detail?: string };
  return {
    status: res.statusCode,
    body,
    challenge: res.headers['www-authenticate'],
    reachedUpstream: countingEcho.hits - before,
  };
}

beforeAll(async () => {
  stack = await startSyncedStack({
    nodeName: 'gw-auth-docs',
    upstream: countingEcho.handler,
    prepare: async (control, upstream) => {
      await control.trpc('secrets.create', { name: 'orders-jwt', value: SECRET });
      await control.trpc('config.applyDocument', {
        document: documented.replace('127.0.0.1:9102', `127.0.0.1:${upstream.port}`),
        message: 'docs/authentication.md',
      });
    },
  });
  gw = stack.gw;
}, 120_000);

afterAll(() => stack?.close());

describe('the YAML example of docs/authentication.md, applied through the control plane', () => {
  it('lets a token with orders:read read', async () => {
    const r = await send('GET', '/orders/42', await token({ scope: 'orders:read' }));
    expect(r.status).toBe(200);
    expect(r.reachedUpstream).toBe(1);
  });

  it('refuses a write without orders:write, naming the scope', async () => {
    const r = await send('POST', '/orders', await token({ scope: 'orders:read' }));
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('GW_INSUFFICIENT_SCOPE');
    expect(r.body.detail).toBe('the token lacks the scope "orders:write" this route requires');
    expect(r.challenge).toBe('Bearer error="insufficient_scope"');
    expect(r.reachedUpstream).toBe(0);
  });

  it('accepts the write with both scopes, also as an scp list', async () => {
    expect(
      (await send('POST', '/orders', await token({ scope: 'orders:read orders:write' }))).status,
    ).toBe(200);
    expect(
      (await send('POST', '/orders', await token({ scp: ['orders:write', 'orders:read'] }))).status,
    ).toBe(200);
  });

  it('refuses a token without the API-wide scope on every route', async () => {
    const r = await send('GET', '/orders/42', await token({ scope: 'orders:write' }));
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe('the token lacks the scope "orders:read" this route requires');
    expect(r.reachedUpstream).toBe(0);
  });
});
