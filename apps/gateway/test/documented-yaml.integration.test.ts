import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createDnsmasq, hasBinary } from '@portico/discovery/testing';
import {
  type ControlPlane,
  documentedYamlBlocks,
  eventually,
  freePort,
  RedisServer,
  startControlPlane,
} from '@portico/testkit';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConsulDouble } from '../../../packages/discovery/test/doubles/consul-double';
import { startGateway, type TestGateway } from './harness';
import { type ChildInstance, startRegisteringUpstream } from './traffic-support';

/**
 * The documented YAML, applied as written through the real control plane, served by a real
 * gateway synced from it: every `type: builtin` registry there has no address and no
 * credentials, and instances registered with the control plane must answer 200 through the
 * gateway. Only what points outside this machine is redirected to test servers: the external
 * registries (a Consul API double, a real dnsmasq) and the JWKS of the JWT-protected API.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = 'examples/portico.yaml';
const DOCS_PAGE = 'yaml-format.md';
const DOCS = `docs/${DOCS_PAGE}`;

interface DeclarativeDoc {
  registries?: { name: string; type: string; address?: string }[];
  services?: { name: string; discovery?: { registry: string; service: string } }[];
  apis?: {
    name: string;
    basePath: string;
    service: string;
    hosts?: string[];
    auth?: { type: string; jwksUrl?: string; issuer?: string; audience?: string };
  }[];
  plans?: { name: string; apis?: string[] }[];
  consumers?: { name: string; plans?: string[] }[];
}

let redis: RedisServer;
let control: ControlPlane;
let gw: TestGateway;
let consul: ConsulDouble;
let dns: Awaited<ReturnType<typeof createDnsmasq>> | null = null;
let jwks: Server;
let jwksUrl = '';
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let registerToken = '';
const instances: ChildInstance[] = [];
const registered = new Set<string>();

/** Two self-registering instances of `service` (once per service name). */
async function registerInstances(service: string): Promise<void> {
  if (registered.has(service)) return;
  registered.add(service);
  for (const suffix of ['a', 'b']) {
    instances.push(
      await startRegisteringUpstream({
        controlUrl: control.url,
        token: registerToken,
        service,
        instanceId: `${service}-${suffix}`,
        ttlSeconds: 10,
      }),
    );
  }
}

/** Statuses and instance ids of `count` calls to `path`. */
async function call(
  path: string,
  headers: Record<string, string>,
  count: number,
): Promise<{ statuses: number[]; instances: Set<string> }> {
  const statuses: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const res = await request(`${gw.url}${path}`, { headers });
    const text = await res.body.text();
    statuses.push(res.statusCode);
    if (res.statusCode === 200) seen.add((JSON.parse(text) as { instance: string }).instance);
  }
  return { statuses, instances: seen };
}

async function apply(document: DeclarativeDoc, message: string): Promise<void> {
  await control.trpc('config.applyDocument', { document, message });
}

beforeAll(async () => {
  redis = await RedisServer.start();
  control = await startControlPlane({ redisUrl: redis.url });
  consul = new ConsulDouble('replace-with-a-consul-acl-token', 'dc1');
  await consul.http.start();
  if (hasBinary('dnsmasq')) dns = await createDnsmasq([]);

  const keys = await generateKeyPair('RS256', { extractable: true });
  privateKey = keys.privateKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;

  registerToken = (
    await control.trpc<{ token: string }>('tokens.createMachine', {
      kind: 'registry',
      name: 'documented-yaml instances',
      scopes: ['register'],
    })
  ).token;
  const { token } = await control.trpc<{ token: string }>('tokens.createMachine', {
    kind: 'dataplane',
    name: 'documented-yaml gateway',
  });
  gw = await startGateway({ controlUrl: control.url, token, start: false });
  // Started once a config exists, so the first sync already carries it.
}, 120_000);

afterAll(async () => {
  await Promise.all(instances.map((i) => i.kill()));
  await gw?.close();
  await control?.close();
  await consul?.http.stop();
  await dns?.server.stop();
  await new Promise((resolve) => jwks?.close(resolve));
  await redis?.stop();
}, 60_000);

describe('the documented YAML with built-in registries that have no address', () => {
  it(`${EXAMPLE}: payments (built-in registry, no address, no credentials) answers 200 from its registered instances`, async () => {
    const document = parseYaml(readFileSync(`${repoRoot}${EXAMPLE}`, 'utf8')) as DeclarativeDoc;
    const builtin = document.registries?.find((r) => r.type === 'builtin');
    expect(builtin?.address ?? '').toBe('');
    for (const registry of document.registries ?? []) {
      if (registry.type === 'consul') registry.address = consul.http.url;
      if (registry.type === 'dns')
        registry.address = `127.0.0.1:${dns ? dns.port : await freePort()}`;
    }
    const payments = document.apis?.find((a) => a.name === 'payments-api');
    if (!payments?.auth) throw new Error(`${EXAMPLE} no longer has payments-api with JWT auth`);
    payments.auth.jwksUrl = jwksUrl;

    await registerInstances('payments');
    await apply(document, EXAMPLE);
    await gw.gateway.start();
    await gw.gateway.sync.waitForConfig();

    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('globex')
      .setIssuer(payments.auth.issuer ?? '')
      .setAudience(payments.auth.audience ?? '')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const headers = { host: 'api.example.com', authorization: `Bearer ${jwt}` };
    // The gateway follows the registry on its own: wait for the first 200, then count.
    await eventually(
      async () => (await call('/payments/charges/ch_1', headers, 1)).statuses[0] === 200,
      30_000,
      'the first 200 from /payments through the gateway',
    );
    const result = await call('/payments/charges/ch_1', headers, 20);
    expect(result.statuses).toEqual(Array(20).fill(200));
    expect(result.instances).toEqual(new Set(['payments-a', 'payments-b']));
  }, 60_000);

  it(`every YAML block of ${DOCS}, applied as written: each key-auth API on a built-in registry answers 200`, async () => {
    const blocks = documentedYamlBlocks(DOCS_PAGE);
    expect(blocks.length).toBeGreaterThan(0);
    let calls = 0;
    for (const [index, text] of blocks.entries()) {
      const document = parseYaml(text) as DeclarativeDoc;
      const builtinNames = new Set(
        (document.registries ?? []).filter((r) => r.type === 'builtin').map((r) => r.name),
      );
      for (const service of document.services ?? [])
        if (service.discovery && builtinNames.has(service.discovery.registry))
          await registerInstances(service.discovery.service);
      await apply(document, `${DOCS} block ${index + 1}`);

      const consumers = await control.query<{ id: string; name: string }[]>('consumers.list', {});
      for (const api of document.apis ?? []) {
        const service = document.services?.find((s) => s.name === api.service);
        if (!service?.discovery || !builtinNames.has(service.discovery.registry)) continue;
        if ((api.auth?.type ?? 'key') !== 'key') continue;
        const plan = document.plans?.find((p) => p.apis?.includes(api.name));
        const consumerName = document.consumers?.find((c) =>
          c.plans?.includes(plan?.name ?? ''),
        )?.name;
        const consumerId = consumers.find((c) => c.name === consumerName)?.id;
        if (!consumerId)
          throw new Error(`block ${index + 1}: no consumer subscribed to ${api.name}`);
        const { clear } = await control.trpc<{ clear: string }>('keys.create', {
          consumerId,
          name: 'documented-yaml',
        });
        const headers: Record<string, string> = { 'x-api-key': clear };
        if (api.hosts?.[0]) headers.host = api.hosts[0];
        const path = `${api.basePath.replace(/\/$/, '')}/`;
        await eventually(
          async () => (await call(path, headers, 1)).statuses[0] === 200,
          15_000,
          `block ${index + 1}: the first 200 from ${path}`,
        );
        const result = await call(path, headers, 10);
        expect(result.statuses).toEqual(Array(10).fill(200));
        expect(result.instances).toEqual(
          new Set([`${service.discovery.service}-a`, `${service.discovery.service}-b`]),
        );
        calls++;
      }
    }
    expect(calls).toBeGreaterThan(0);
  }, 90_000);
});
