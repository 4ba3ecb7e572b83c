import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { type ControlPlane, contentDigest, signHttpRequest } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type TestGateway, type Upstream } from './harness';
import { consumerIdOf, type SyncedStack, startSyncedStack } from './synced-stack';

/** What the upstream saw of each request: the bytes that arrived and whether the body ended. */
interface Seen {
  url: string;
  bytes: number;
  ended: boolean;
  aborted: boolean;
  consumer: string | undefined;
}
const seen: Seen[] = [];

function recordingUpstream(req: IncomingMessage, res: ServerResponse): void {
  const entry: Seen = {
    url: req.url ?? '',
    bytes: 0,
    ended: false,
    aborted: false,
    consumer: req.headers['x-consumer-name'] as string | undefined,
  };
  seen.push(entry);
  req.on('data', (chunk: Buffer) => {
    entry.bytes += chunk.length;
  });
  req.on('end', () => {
    entry.ended = true;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ bytes: entry.bytes }));
  });
  req.on('close', () => {
    if (!entry.ended) entry.aborted = true;
  });
}

let stack: SyncedStack;
let control: ControlPlane;
let gw: TestGateway;
let acmeId = '';
let hmac: { keyid: string; secret: Buffer; id: string };
const ed = generateKeyPairSync('ed25519');
let edKeyid = '';

interface Issued {
  credential: { id: string; identifier: string };
  secret: string | null;
}

const now = () => Math.floor(Date.now() / 1000);

function signed(
  method: string,
  path: string,
  options: {
    alg?: 'hmac' | 'ed25519';
    body?: string;
    created?: number;
    expires?: number;
    secret?: Buffer;
    keyid?: string;
  } = {},
): Record<string, string> {
  const url = `${gw.url}${path}`;
  const headers: Record<string, string> = {};
  const components = ['@method', '@authority', '@path'];
  if (options.body !== undefined) {
    headers['content-digest'] = contentDigest(options.body, 'sha-512');
    components.push('content-digest');
  }
  const useEd = options.alg === 'ed25519';
  return {
    ...headers,
    ...signHttpRequest({
      method,
      url,
      headers,
      components,
      keyid: options.keyid ?? (useEd ? edKeyid : hmac.keyid),
      alg: useEd ? 'ed25519' : 'hmac-sha256',
      key: useEd ? ed.privateKey : (options.secret ?? hmac.secret),
      created: options.created ?? now(),
      ...(options.expires === undefined ? {} : { expires: options.expires }),
      nonce: randomBytes(8).toString('hex'),
    }),
  };
}

async function send(
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string | Readable,
) {
  const before = seen.length;
  const res = await request(`${gw.url}${path}`, { method, headers, ...(body ? { body } : {}) });
  const text = await res.body.text();
  const json = text.length > 0 ? (JSON.parse(text) as { code?: string; detail?: string }) : {};
  return { status: res.statusCode, body: json, reached: seen.length - before };
}

/** A counter of the gateway's /metrics (process-wide, like the counters). */
async function metric(name: string): Promise<number> {
  const text = await (await request(`${gw.statusUrl}/metrics`)).body.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

beforeAll(async () => {
  stack = await startSyncedStack({
    nodeName: 'gw-signatures',
    upstream: recordingUpstream,
    prepare: prepareControlPlane,
  });
  ({ control, gw } = stack);
  await eventually(
    async () => gw.gateway.runtime.current.credentials.credential('ed25519', edKeyid) !== undefined,
    5_000,
    'signing keys delivered',
  );
}, 120_000);
afterAll(() => stack?.close());

/** The signed APIs, the partner plan and acme's hmac and ed25519 credentials. */
async function prepareControlPlane(control: ControlPlane, upstream: Upstream): Promise<void> {
  await control.trpc('config.applyDocument', {
    document: {
      services: [{ name: 'orders', targets: [`127.0.0.1:${upstream.port}`] }],
      apis: [
        { name: 'signed-api', basePath: '/signed', service: 'orders', auth: { type: 'signature' } },
        {
          name: 'either-api',
          basePath: '/either',
          service: 'orders',
          auth: { type: 'anyOf', methods: [{ type: 'signature' }, { type: 'key' }] },
        },
        {
          name: 'proxied-api',
          basePath: '/proxied',
          service: 'orders',
          auth: { type: 'signature', requiredComponents: ['@method', '@target-uri'] },
          plugins: { trustedProxies: ['127.0.0.1'] },
        },
      ],
      plans: [{ name: 'partner', apis: ['signed-api', 'either-api', 'proxied-api'] }],
      consumers: [{ name: 'acme', plans: ['partner'] }],
    },
    message: 'signatures',
  });
  acmeId = await consumerIdOf(control, 'acme');
  const h = await control.trpc<Issued>('credentials.create', {
    consumerId: acmeId,
    name: 'ci-hmac',
    spec: { kind: 'hmac' },
  });
  hmac = {
    keyid: h.credential.identifier,
    secret: Buffer.from(h.secret ?? '', 'base64'),
    id: h.credential.id,
  };
  const e = await control.trpc<Issued>('credentials.create', {
    consumerId: acmeId,
    name: 'ci-ed25519',
    spec: {
      kind: 'ed25519',
      publicKey: ed.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    },
  });
  edKeyid = e.credential.identifier;
}

describe('HTTP Message Signatures through the control plane and the gateway', () => {
  it('generates an hmac secret once (32 bytes) and an ed25519 keyid from the key thumbprint', () => {
    expect(hmac.secret).toHaveLength(32);
    expect(hmac.keyid).toMatch(/^hk_/);
    expect(edKeyid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('admits an hmac-sha256 signed GET and names the consumer upstream', async () => {
    const r = await send('GET', '/signed/orders/1', signed('GET', '/signed/orders/1'));
    expect(r.status).toBe(200);
    expect(seen.at(-1)?.consumer).toBe('acme');
  });

  it('admits an ed25519 signed POST whose body matches its Content-Digest', async () => {
    const body = JSON.stringify({ item: 'x'.repeat(5000) });
    const r = await send(
      'POST',
      '/signed/orders',
      signed('POST', '/signed/orders', { alg: 'ed25519', body }),
      body,
    );
    expect(r.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ ended: true, bytes: Buffer.byteLength(body) });
  });

  it('refuses a signature made with the wrong secret, before the upstream', async () => {
    const r = await send(
      'GET',
      '/signed/x',
      signed('GET', '/signed/x', { secret: randomBytes(32) }),
    );
    expect(r).toMatchObject({
      status: 401,
      reached: 0,
      body: { code: 'GW_SIGNATURE_INVALID', detail: 'the signature does not verify' },
    });
  });

  it('refuses a request without a signature with GW_SIGNATURE_MISSING, saying what to sign', async () => {
    const res = await request(`${gw.url}/signed/x`);
    await res.body.dump();
    expect(res.headers['accept-signature']).toBe('sig1=("@method" "@authority" "@path");created');
    const r = await send('GET', '/signed/x', {});
    expect(r).toMatchObject({ status: 401, reached: 0, body: { code: 'GW_SIGNATURE_MISSING' } });
  });

  it('refuses an expired signature and one created beyond the clock skew', async () => {
    const expired = await send(
      'GET',
      '/signed/x',
      signed('GET', '/signed/x', { created: now() - 120, expires: now() - 60 }),
    );
    expect(expired).toMatchObject({
      status: 401,
      reached: 0,
      body: { detail: 'the signature has expired' },
    });
    const future = await send(
      'GET',
      '/signed/x',
      signed('GET', '/signed/x', { created: now() + 120 }),
    );
    expect(future).toMatchObject({
      status: 401,
      reached: 0,
      body: { detail: "the signature was created in the future (check the signer's clock)" },
    });
  });

  it('refuses the same signed request the second time (replay)', async () => {
    const headers = signed('GET', '/signed/once');
    expect((await send('GET', '/signed/once', headers)).status).toBe(200);
    const again = await send('GET', '/signed/once', headers);
    expect(again).toMatchObject({
      status: 401,
      reached: 0,
      body: {
        code: 'GW_SIGNATURE_INVALID',
        detail: 'this signature was already used (replayed request)',
      },
    });
    expect(await metric('portico_gateway_signature_replays_total')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a body that does not match its signed Content-Digest: the upstream never sees it complete', async () => {
    const total = 4 * 1024 * 1024;
    const chunk = 16 * 1024;
    const headers = signed('POST', '/signed/upload', { body: 'a'.repeat(total) });
    const forwarded = () => seen.find((s) => s.url === '/upload')?.bytes ?? 0;
    async function* streamed() {
      // Stream until part of the body has reached the upstream, then finish with a last byte
      // that differs from the signed body: same length, only the digest can tell.
      let sent = 0;
      while (sent < total - chunk && forwarded() === 0) {
        yield Buffer.alloc(chunk, 'a');
        sent += chunk;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await eventually(async () => forwarded() > 0, 5_000, 'part of the body forwarded');
      yield Buffer.concat([Buffer.alloc(total - sent - 1, 'a'), Buffer.from('b')]);
    }
    const r = await send('POST', '/signed/upload', headers, Readable.from(streamed()));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('GW_DIGEST_MISMATCH');
    const upstreamView = seen.find((s) => s.url === '/upload');
    await eventually(async () => upstreamView?.aborted === true, 5_000, 'upstream request aborted');
    expect(upstreamView?.ended).toBe(false);
    expect(upstreamView?.bytes).toBeGreaterThan(0);
    expect(upstreamView?.bytes).toBeLessThan(total);
    expect(await metric('portico_gateway_digest_mismatches_total')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a body without a Content-Digest the signature covers', async () => {
    const headers = signed('POST', '/signed/orders');
    const r = await send('POST', '/signed/orders', headers, '{"a":1}');
    expect(r).toMatchObject({
      status: 401,
      reached: 0,
      body: { detail: 'a request with a body must carry a Content-Digest the signature covers' },
    });
  });

  it('accepts a signature or an API key on an anyOf API, and names both when neither is sent', async () => {
    const key = await control.trpc<{ clear: string }>('keys.create', {
      consumerId: acmeId,
      name: 'either',
    });
    await eventually(
      async () => (await send('GET', '/either/x', { 'x-api-key': key.clear })).status === 200,
      5_000,
      'key admitted',
    );
    expect(
      (await send('GET', '/either/x', signed('GET', '/either/x', { alg: 'ed25519' }))).status,
    ).toBe(200);
    const neither = await send('GET', '/either/x', {});
    expect(neither).toMatchObject({
      status: 401,
      reached: 0,
      body: { code: 'GW_CREDENTIALS_MISSING' },
    });
  });

  it('verifies @target-uri with the scheme a trusted proxy reports (TLS terminated before the gateway)', async () => {
    const headers = () => ({
      host: 'api.example.com',
      ...signHttpRequest({
        method: 'GET',
        url: 'https://api.example.com/proxied/orders?id=7',
        headers: {},
        components: ['@method', '@target-uri'],
        keyid: hmac.keyid,
        alg: 'hmac-sha256',
        key: hmac.secret,
        created: now(),
        nonce: randomBytes(8).toString('hex'),
      }),
    });
    const viaProxy = await send('GET', '/proxied/orders?id=7', {
      ...headers(),
      'x-forwarded-proto': 'https',
    });
    expect(viaProxy.status).toBe(200);
    const direct = await send('GET', '/proxied/orders?id=7', headers());
    expect(direct).toMatchObject({
      status: 401,
      body: { detail: 'the signature does not verify' },
    });
  });

  it('stops a revoked signing key through the credential stream', async () => {
    const issued = await control.trpc<Issued>('credentials.create', {
      consumerId: acmeId,
      name: 'short-lived',
      spec: { kind: 'hmac', keyid: 'ci-revoked' },
    });
    const secret = Buffer.from(issued.secret ?? '', 'base64');
    const call = () =>
      send('GET', '/signed/r', signed('GET', '/signed/r', { keyid: 'ci-revoked', secret }));
    await eventually(async () => (await call()).status === 200, 5_000, 'new key admitted');
    const started = performance.now();
    await control.trpc('credentials.revoke', { id: issued.credential.id });
    await eventually(
      async () => (await call()).body.detail === 'the keyid is unknown or has been revoked',
      5_000,
      'revoked key refused',
    );
    console.log(
      `signing key revocation reached the gateway in ${(performance.now() - started).toFixed(0)} ms`,
    );
  });
});
