import type { IncomingMessage, ServerResponse } from 'node:http';
import { Metadata } from '@grpc/grpc-js';
import { type DeclarativeConfig, ZDeclarativeConfig } from '@portico/config';
import { generateSecret } from '@portico/keys';
import { documentedYamlBlocks } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { credentialSet } from './credential-set';
import { startFedGateway } from './fed-gateway';
import { getOrderOnce, untilTranscodedAnswer } from './grpc-client-support';
import { type ShopServer, startShopServer, transcodedOrder } from './grpc-support';
import { startUpstream, type TestGateway, type Upstream } from './harness';

/**
 * The YAML examples of docs/grpc.md and docs/aggregation.md, as written: parsed with the file
 * schema, turned into the snapshot the control plane would publish (names as ids, targets moved
 * to this test's ephemeral ports), applied to a gateway and called as the docs show.
 */
function docExample(file: string, index = 0): DeclarativeConfig {
  const block = documentedYamlBlocks(file)[index];
  if (block === undefined) throw new Error(`${file} has no yaml example ${index}`);
  return ZDeclarativeConfig.parse(parseYaml(block));
}

function snapshotOf(doc: DeclarativeConfig, ports: Record<string, number>) {
  return {
    services: doc.services.map(
      ({ name, description: _d, targets: _t, discovery: _x, ...settings }) => ({
        ...settings,
        id: name,
        name,
        targets: [{ host: '127.0.0.1', port: ports[name] as number }],
      }),
    ),
    apis: doc.apis.map((a) => ({
      id: a.name,
      name: a.name,
      slug: a.name,
      version: a.version,
      basePath: a.basePath,
      hosts: a.hosts,
      stripBasePath: a.stripBasePath,
      serviceId: a.service,
      auth: a.auth,
      routes: a.routes.map((r, i) => ({ ...r, id: `${a.name}-${i}` })),
      policies: a.plugins,
    })),
    plans: doc.plans.map((p) => ({
      id: p.name,
      name: p.name,
      apiIds: p.apis.map((a) => (typeof a === 'string' ? a : a.api)),
      rateLimit: p.rateLimit ?? null,
      quota: p.quota ?? null,
    })),
  };
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

let gw: TestGateway;
let shop: ShopServer;
let catalog: ShopServer;
const docKey = generateSecret('apiKey');
const upstreams: Upstream[] = [];

beforeAll(async () => {
  shop = await startShopServer();
  const users = await startUpstream((req: IncomingMessage, res) => {
    const id = req.url?.split('/')[2] ?? '';
    json(res, { id, name: `User ${id}`, email: `u${id}@example.test`, passwordHash: 'x' });
  });
  const orders = await startUpstream((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/orders/'))
      json(res, { id: url.pathname.split('/')[2], userId: '7', total: 42 });
    else json(res, [{ id: 'o1', user: url.searchParams.get('user') }]);
  });
  const reviews = await startUpstream((_req, res) => json(res, { stars: 5, internal: 'x' }));
  upstreams.push(users, orders, reviews);
  const grpcDoc = snapshotOf(docExample('grpc.md'), { shop: shop.port });
  const aggregationDoc = snapshotOf(docExample('aggregation.md'), {
    users: users.port,
    orders: orders.port,
    reviews: reviews.port,
  });
  const passDoc = snapshotOf(docExample('grpc.md', 1), { 'orders-grpc': shop.port });
  catalog = await startShopServer('catalog', { reflection: true });
  const reflectionDoc = snapshotOf(docExample('grpc.md', 3), { catalog: catalog.port });
  expect(passDoc.plans.map((p) => p.name)).toEqual(['grpc-starter']);
  gw = await startFedGateway({
    snapshot: {
      services: [
        ...grpcDoc.services,
        ...aggregationDoc.services,
        ...passDoc.services,
        ...reflectionDoc.services,
      ],
      apis: [...grpcDoc.apis, ...aggregationDoc.apis, ...passDoc.apis, ...reflectionDoc.apis],
      plans: passDoc.plans,
    },
    credentials: credentialSet([
      { id: 'con_doc', name: 'doc-user', key: docKey, planId: 'grpc-starter' },
    ]),
  });
  expect(gw.gateway.runtime.lastRefusal).toBeNull();
});
afterAll(async () => {
  await gw.close();
  await shop.close();
  await catalog?.close();
  await Promise.all(upstreams.map((u) => u.close()));
});

describe('docs/grpc.md', () => {
  it('answers the documented calls', async () => {
    const get = await request(`${gw.url}/shop/v1/orders/9007199254740993?note=rush`);
    expect(await get.body.json()).toMatchObject(
      transcodedOrder('9007199254740993', { note: 'rush' }),
    );
    const put = await request(`${gw.url}/shop/v1/orders/42`, {
      method: 'PUT',
      body: '{"tier":"SILVER","placedAt":"2025-12-31T23:59:59.5Z"}',
    });
    expect(await put.body.json()).toMatchObject({ id: '42', tier: 'SILVER' });
    const post = await request(`${gw.url}/shop/shop.v1.Orders/GetOrder`, {
      method: 'POST',
      body: '{"id":"7"}',
    });
    expect(await post.body.json()).toMatchObject({ id: '7' });
    const ndjson = await request(`${gw.url}/shop/v1/ticks?count=3`);
    expect(await ndjson.body.text()).toBe('{"seq":1}\n{"seq":2}\n{"seq":3}\n');
    const sse = await request(`${gw.url}/shop/v1/ticks?count=3`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(await sse.body.text()).toBe('data: {"seq":1}\n\ndata: {"seq":2}\n\ndata: {"seq":3}\n\n');
  });
});

describe('docs/grpc.md pass-through example', () => {
  it('passes a gRPC call on the documented host through with a key, and refuses one without', async () => {
    const call = (metadata: Metadata) =>
      getOrderOnce(gw.port, '7', {
        channel: { 'grpc.default_authority': 'grpc.example.com' },
        metadata,
      });
    const keyed = new Metadata();
    keyed.set('x-api-key', docKey.clear);
    const ok = await call(keyed);
    expect(ok.error).toBeNull();
    expect(ok.response).toMatchObject({ id: '7' });
    expect(shop.state.lastMetadata?.['x-consumer-id']).toBe('con_doc');
    const refused = await call(new Metadata());
    expect(refused.error?.code).toBe(16);
  });
});

describe('docs/grpc.md server reflection example', () => {
  it('transcodes by the schema the instance reflected', async () => {
    await untilTranscodedAnswer(
      `${gw.url}/catalog/shop.v1.Orders/GetOrder`,
      '{"id":"12"}',
      (status, order) => status === 200 && order.servedBy === 'catalog',
      'the reflected schema',
    );
  });
});

describe('docs/aggregation.md', () => {
  it('answers the documented composite routes', async () => {
    const profile = await request(`${gw.url}/store/profile/7`);
    expect(await profile.body.json()).toEqual({
      id: '7',
      fullName: 'User 7',
      email: 'u7@example.test',
      orders: [{ id: 'o1', user: '7' }],
      reviews: { stars: 5 },
    });
    const order = await request(`${gw.url}/store/order/31`);
    expect(await order.body.json()).toEqual({
      order: { id: '31', userId: '7', total: 42 },
      customer: { id: '7', name: 'User 7' },
    });
  });
});
