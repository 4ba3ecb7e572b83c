import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ControlPlane, startControlPlane } from '@portico/testkit';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  echoHandler,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';

/** The required-scopes YAML example of docs/authentication.md, exactly as written there. */
const documented = (() => {
  const page = readFileSync(new URL('../../../docs/authentication.md', import.meta.url), 'utf8');
  const block = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .find((b) => b.includes('secretRef: orders-jwt'));
  if (block === undefined) throw new Error('docs/authentication.md has no required-scopes example');
  return block;
})();

const SECRET = randomBytes(32).toString('hex');
let upstream: Upstream;
let control: ControlPlane;
let gw: TestGateway;
let hits = 0;

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
  const before = hits;
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${jwt}` },
  });
  const body = (await res.body.json()) as { code?: string; detail?: string };
  return {
    status: res.statusCode,
    body,
    challenge: res.headers['www-authenticate'],
    reachedUpstream: hits - before,
  };
}

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    hits++;
    echoHandler(req, res);
  });
  control = await startControlPlane();
  await control.trpc('secrets.create', { name: 'orders-jwt', value: SECRET });
  await control.trpc('config.applyDocument', {
    document: documented.replace('127.0.0.1:9102', `127.0.0.1:${upstream.port}`),
    message: 'docs/authentication.md',
  });
  const { token: dpToken } = await control.trpc<{ token: string }>('tokens.createMachine', {
    kind: 'dataplane',
    name: 'gw-auth-docs',
  });
  gw = await startGateway({ controlUrl: control.url, token: dpToken });
  await gw.gateway.sync.waitForConfig();
}, 120_000);

afterAll(async () => {
  await gw?.close();
  await control?.close();
  await upstream?.close();
});

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
