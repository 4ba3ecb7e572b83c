import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, McpError } from '@modelcontextprotocol/sdk/types.js';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiter, type Limiter, limiterRedisOptions } from '../src/limits/index';
import { type ControlPlane, startControlPlane } from './control-plane';
import {
  eventually,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';

/**
 * MCP through the real stack: docs/mcp.md's YAML applied to the real control plane, a real
 * gateway synced from it with the Redis limiter, a real upstream HTTP server, and the real
 * `@modelcontextprotocol/sdk` client over Streamable HTTP.
 */

interface Order {
  id: number;
  item: string;
  quantity: number;
  status: string;
}

let control: ControlPlane;
let upstream: Upstream;
let gw: TestGateway;
let redis: Redis;
let limiter: Limiter;
/** Every request the upstream received, in order. */
const upstreamHits: { method: string; url: string; body: string }[] = [];
const orders = new Map<number, Order>([
  [42, { id: 42, item: 'lamp', quantity: 1, status: 'open' }],
]);
const keys: Record<string, { id: string; clear: string }> = {};
const consumerIds: Record<string, string> = {};
let endpoint: URL;
let clients: Client[] = [];

function ordersUpstream(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    upstreamHits.push({ method: req.method ?? '', url: req.url ?? '', body });
    const url = new URL(req.url ?? '/', 'http://upstream');
    const send = (status: number, value: unknown) => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    const byId = /^\/orders\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/orders') {
      const status = url.searchParams.get('status');
      send(
        200,
        [...orders.values()].filter((o) => status === null || o.status === status),
      );
    } else if (req.method === 'POST' && url.pathname === '/orders') {
      const input = JSON.parse(body) as { item: string; quantity: number };
      const order = { id: orders.size + 100, ...input, status: 'open' };
      orders.set(order.id, order);
      send(201, order);
    } else if (req.method === 'GET' && byId) {
      const order = orders.get(Number(byId[1]));
      if (order) send(200, order);
      else send(404, { error: `no order ${byId[1]}` });
    } else send(404, { error: 'not found' });
  });
}

/** The YAML block of docs/mcp.md, as the documentation shows it. */
async function documentedYaml(): Promise<string> {
  const doc = await readFile(new URL('../../../docs/mcp.md', import.meta.url), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/mcp.md has no yaml block');
  return block;
}

async function connect(key: string): Promise<Client> {
  const client = new Client({ name: 'mcp-integration-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(endpoint, {
      requestInit: { headers: { 'x-api-key': key } },
    }),
  );
  clients.push(client);
  return client;
}

async function newKey(consumer: string, name: string): Promise<{ id: string; clear: string }> {
  const created = await control.trpc<{ key: { id: string }; clear: string }>('keys.create', {
    consumerId: consumerIds[consumer],
    name,
  });
  return { id: created.key.id, clear: created.clear };
}

async function restStatus(method: string, path: string, key: string): Promise<number> {
  const res = await request(`${gw.url}/orders-api${path}`, {
    method: method as 'GET',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify({ item: 'x', quantity: 1 }) } : {}),
  });
  await res.body.dump();
  return res.statusCode;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be refused');
}

beforeAll(async () => {
  upstream = await startUpstream(ordersUpstream);
  control = await startControlPlane();
  // The documented file, with the upstream's real address in place of the example's.
  const yaml = (await documentedYaml()).replace('127.0.0.1:9101', `127.0.0.1:${upstream.port}`);
  await control.trpc('config.applyDocument', { document: yaml, message: 'mcp docs example' });
  const { token } = await control.trpc<{ token: string }>('tokens.createMachine', {
    kind: 'dataplane',
    name: 'gw-mcp-test',
  });
  for (const c of await control.query<{ id: string; name: string }[]>('consumers.list', {}))
    consumerIds[c.name] = c.id;
  for (const name of ['ops-agent', 'support-agent', 'trial-agent'])
    keys[name] = await newKey(name, 'agent');
  redis = new Redis('redis://127.0.0.1:6379', { ...limiterRedisOptions });
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  limiter = createLimiter({
    redis,
    keyPrefix: `gwtest-mcp:${randomBytes(6).toString('hex')}`,
    budgetMs: 200,
  });
  gw = await startGateway({ controlUrl: control.url, token, limiter });
  await gw.gateway.sync.waitForConfig();
  endpoint = new URL(`${gw.url}/orders-api/mcp`);
  // The ops agent's plan has room to spare: probing with it leaves the trial plan untouched.
  await eventually(
    async () => (await restStatus('GET', '/orders', keys['ops-agent']?.clear ?? '')) === 200,
    5000,
    'keys synced',
  );
}, 120_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  clients = [];
  await gw?.close();
  await limiter?.close();
  redis?.disconnect();
  await control?.close();
  await upstream?.close();
});

describe('MCP endpoint generated from the OpenAPI document', () => {
  it("negotiates the SDK client's newest protocol revision and names the API", async () => {
    const client = await connect(keys['ops-agent']?.clear ?? '');
    expect(client.getServerVersion()).toEqual({ name: 'Orders', version: 'v1' });
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    const transport = client.transport as StreamableHTTPClientTransport;
    expect(transport.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    await client.ping();
  });

  it('lists a different tool set under each plan: whole API versus two routes', async () => {
    const ops = await connect(keys['ops-agent']?.clear ?? '');
    const support = await connect(keys['support-agent']?.clear ?? '');
    const opsTools = (await ops.listTools()).tools;
    const supportTools = (await support.listTools()).tools;
    expect(opsTools.map((t) => t.name).sort()).toEqual(['createOrder', 'get_order', 'listOrders']);
    expect(supportTools.map((t) => t.name).sort()).toEqual(['get_order', 'listOrders']);
    const getOrder = opsTools.find((t) => t.name === 'get_order');
    expect(getOrder?.description).toBe('Fetch one order by its numeric id.');
    expect(getOrder?.inputSchema).toMatchObject({
      type: 'object',
      properties: { id: { type: 'integer', minimum: 1 } },
      required: ['id'],
    });
    expect(getOrder?.outputSchema).toMatchObject({
      type: 'object',
      required: ['id', 'item', 'quantity', 'status'],
    });
    const create = opsTools.find((t) => t.name === 'createOrder');
    expect(create?.inputSchema.properties?.body).toMatchObject({ required: ['item', 'quantity'] });
  });

  it("calls a tool and returns the upstream's real answer as text and structured content", async () => {
    const client = await connect(keys['ops-agent']?.clear ?? '');
    await client.listTools();
    const before = upstreamHits.length;
    const result = await client.callTool({ name: 'get_order', arguments: { id: 42 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(orders.get(42));
    expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? '')).toEqual(
      orders.get(42),
    );
    expect(upstreamHits.slice(before)).toEqual([{ method: 'GET', url: '/orders/42', body: '' }]);

    const listed = await client.callTool({ name: 'listOrders', arguments: { status: 'open' } });
    expect(upstreamHits.at(-1)?.url).toBe('/orders?status=open');
    expect(JSON.parse((listed.content as { text: string }[])[0]?.text ?? '')).toContainEqual(
      orders.get(42),
    );

    const created = await client.callTool({
      name: 'createOrder',
      arguments: { body: { item: 'desk', quantity: 2 } },
    });
    expect(created.structuredContent).toMatchObject({ item: 'desk', quantity: 2, status: 'open' });
    expect(upstreamHits.at(-1)).toMatchObject({ method: 'POST', url: '/orders' });
    expect(JSON.parse(upstreamHits.at(-1)?.body ?? '{}')).toEqual({ item: 'desk', quantity: 2 });
  });

  it('returns an upstream error as a tool error with its status and body', async () => {
    const client = await connect(keys['ops-agent']?.clear ?? '');
    const result = await client.callTool({ name: 'get_order', arguments: { id: 7777 } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toBe(
      'upstream answered 404: {"error":"no order 7777"}',
    );
    expect(result._meta?.['portico.dev/upstreamStatus']).toBe(404);
  });

  it('refuses bad arguments and unknown tools before the upstream is reached', async () => {
    const client = await connect(keys['ops-agent']?.clear ?? '');
    const before = upstreamHits.length;
    const wrongType = await rejection(
      client.callTool({ name: 'get_order', arguments: { id: 'abc' } }),
    );
    expect(wrongType).toBeInstanceOf(McpError);
    expect((wrongType as McpError).code).toBe(-32602);
    expect((wrongType as McpError).message).toContain('arguments.id must be integer');
    const missing = await rejection(client.callTool({ name: 'createOrder', arguments: {} }));
    expect((missing as McpError).message).toContain("must have required property 'body'");
    const extra = await rejection(
      client.callTool({ name: 'createOrder', arguments: { body: { item: 'a', quantity: 0 } } }),
    );
    expect((extra as McpError).message).toContain('arguments.body.quantity must be >= 1');
    const unknown = await rejection(
      client.callTool({ name: 'cancelOrder', arguments: { id: 42 } }),
    );
    expect((unknown as McpError).code).toBe(-32602);
    expect((unknown as McpError).message).toContain('Unknown tool: cancelOrder');
    expect(upstreamHits.length).toBe(before);
  });

  it('answers malformed and oversize messages with JSON-RPC errors, upstream untouched', async () => {
    const before = upstreamHits.length;
    const post = async (body: string, contentType = 'application/json') => {
      const res = await request(endpoint, {
        method: 'POST',
        headers: {
          'x-api-key': keys['ops-agent']?.clear ?? '',
          'content-type': contentType,
          accept: 'application/json, text/event-stream',
        },
        body,
      });
      return {
        status: res.statusCode,
        body: (await res.body.json()) as { error: { code: number; message: string } },
      };
    };
    const badJson = await post('{"jsonrpc":"2.0","id":1,');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe(-32700);
    const batch = await post('[{"jsonrpc":"2.0","id":1,"method":"ping"}]');
    expect(batch.status).toBe(400);
    expect(batch.body.error.code).toBe(-32600);
    const huge = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'createOrder',
          arguments: { body: { item: 'x'.repeat(5 * 1024 * 1024), quantity: 1 } },
        },
      }),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toContain('Payload Too Large');
    const notJson = await post('ping', 'text/plain');
    expect(notJson.status).toBe(415);
    const unknownMethod = await post('{"jsonrpc":"2.0","id":3,"method":"resources/list"}');
    expect(unknownMethod.body.error.code).toBe(-32601);
    expect(upstreamHits.length).toBe(before);
  });

  it('refuses a tool outside the plan with the problem the REST call gets', async () => {
    const support = await connect(keys['support-agent']?.clear ?? '');
    const before = upstreamHits.length;
    const refused = await rejection(
      support.callTool({ name: 'createOrder', arguments: { body: { item: 'x', quantity: 1 } } }),
    );
    expect((refused as McpError).code).toBe(-32000);
    expect((refused as McpError).data).toMatchObject({ status: 403, code: 'GW_FORBIDDEN' });
    const rest = await request(`${gw.url}/orders-api/orders`, {
      method: 'POST',
      headers: {
        'x-api-key': keys['support-agent']?.clear ?? '',
        'content-type': 'application/json',
      },
      body: '{"item":"x","quantity":1}',
    });
    const problem = (await rest.body.json()) as { code: string; detail: string };
    expect(rest.statusCode).toBe(403);
    expect(problem.code).toBe('GW_FORBIDDEN');
    expect((refused as McpError).data).toMatchObject({ detail: problem.detail });
    expect(upstreamHits.length).toBe(before);
    // The routes the plan does include work over both surfaces.
    expect(await restStatus('GET', '/orders/42', keys['support-agent']?.clear ?? '')).toBe(200);
    expect(
      (await support.callTool({ name: 'get_order', arguments: { id: 42 } })).isError,
    ).toBeFalsy();
  });

  it('counts tool calls and REST calls against one rate limit and refuses past it', async () => {
    const key = keys['trial-agent']?.clear ?? '';
    const client = await connect(key);
    // The trial plan allows 3 requests a minute: two tool calls and one REST call use them up.
    expect(
      (await client.callTool({ name: 'get_order', arguments: { id: 42 } })).isError,
    ).toBeFalsy();
    expect(await restStatus('GET', '/orders/42', key)).toBe(200);
    expect((await client.callTool({ name: 'listOrders', arguments: {} })).isError).toBeFalsy();
    const before = upstreamHits.length;
    const limited = await rejection(client.callTool({ name: 'get_order', arguments: { id: 42 } }));
    expect((limited as McpError).code).toBe(-32000);
    expect((limited as McpError).data).toMatchObject({ status: 429, code: 'GW_RATE_LIMITED' });
    expect(
      ((limited as McpError).data as { headers: Record<string, string> }).headers['Retry-After'],
    ).toBeDefined();
    expect(await restStatus('GET', '/orders/42', key)).toBe(429);
    expect(upstreamHits.length).toBe(before);
    // Listing is not a request against the limit.
    expect((await client.listTools()).tools.length).toBe(3);
  });

  it('stops tool calls within 1 s of a key being revoked', async () => {
    const key = await newKey('ops-agent', 'to-revoke');
    await eventually(
      async () => (await restStatus('GET', '/orders/42', key.clear)) === 200,
      5000,
      'key admitted',
    );
    const client = await connect(key.clear);
    expect(
      (await client.callTool({ name: 'get_order', arguments: { id: 42 } })).isError,
    ).toBeFalsy();
    const started = performance.now();
    await control.trpc('keys.revoke', { id: key.id });
    let refusal: unknown = null;
    await eventually(
      async () => {
        try {
          await client.callTool({ name: 'get_order', arguments: { id: 42 } });
          return false;
        } catch (error) {
          refusal = error;
          return true;
        }
      },
      5000,
      'revoked key refused',
    );
    const elapsed = performance.now() - started;
    console.log(`revoked key refused on the MCP endpoint after ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(1000);
    expect(refusal).toBeInstanceOf(StreamableHTTPError);
    expect((refusal as StreamableHTTPError).code).toBe(401);
    expect((refusal as Error).message).toContain('GW_KEY_INVALID');
  });

  it('stops tool calls within 1 s of the consumer being suspended', async () => {
    const client = await connect(keys['support-agent']?.clear ?? '');
    expect(
      (await client.callTool({ name: 'get_order', arguments: { id: 42 } })).isError,
    ).toBeFalsy();
    const started = performance.now();
    await control.trpc('consumers.suspend', { id: consumerIds['support-agent'] });
    let refusal: unknown = null;
    await eventually(
      async () => {
        try {
          await client.callTool({ name: 'get_order', arguments: { id: 42 } });
          return false;
        } catch (error) {
          refusal = error;
          return true;
        }
      },
      5000,
      'suspended consumer refused',
    );
    const elapsed = performance.now() - started;
    console.log(`suspended consumer refused on the MCP endpoint after ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(1000);
    expect((refusal as StreamableHTTPError).code).toBe(403);
    expect((refusal as Error).message).toContain('is suspended');
  });

  it('records tool calls in analytics by tool name, as the operation and route they ran', async () => {
    const routes = await control.query<
      { id: string; routes: { id: string; name: string | null }[] }[]
    >('apis.list', {});
    const getOrderRoute = routes[0]?.routes.find((r) => r.name === 'getOrder')?.id;
    const toolEvents = gw.analytics.events.filter((e) => e.tool === 'get_order');
    expect(toolEvents.length).toBeGreaterThanOrEqual(3);
    const ok = toolEvents.find((e) => e.status === 200);
    expect(ok).toMatchObject({
      method: 'GET',
      routeId: getOrderRoute,
      consumerId: consumerIds['ops-agent'],
      errorCode: null,
    });
    expect(ok?.upstreamMs).toBeGreaterThan(0);
    expect(toolEvents.some((e) => e.status === 429 && e.errorCode === 'GW_RATE_LIMITED')).toBe(
      true,
    );
    expect(toolEvents.some((e) => e.status === 404 && e.errorCode === null)).toBe(true);
    expect(gw.analytics.events.some((e) => e.tool === 'createOrder' && e.status === 403)).toBe(
      true,
    );
  });
});
