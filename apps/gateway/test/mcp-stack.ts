/**
 * MCP through the real stack: docs/mcp.md's YAML applied to the real control plane, a real
 * gateway synced from it with the Redis limiter, a real upstream HTTP server, and the real
 * `@modelcontextprotocol/sdk` client over Streamable HTTP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { documentedYamlExample, eventually, fixtureValue } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import { type ControlPlane, startControlPlane } from './control-plane';
import { startGateway, startUpstream, type TestGateway, type Upstream } from './harness';
import { connectRedisLimiter, type RedisLimiter } from './redis-limiter';

export interface Order {
  id: number;
  item: string;
  quantity: number;
  status: string;
}

/** The stack of one test file and what it recorded; valid from `beforeAll` on. */
export class McpStack {
  /** Every request the upstream received, in order. */
  readonly upstreamHits: { method: string; url: string; body: string }[] = [];
  readonly orders = new Map<number, Order>([
    [42, { id: 42, item: 'lamp', quantity: 1, status: 'open' }],
  ]);
  /** The clear key of each documented consumer, by consumer name. */
  readonly keys: Record<string, { id: string; clear: string }> = {};
  readonly consumerIds: Record<string, string> = {};
  #control: ControlPlane | undefined;
  #upstream: Upstream | undefined;
  #gw: TestGateway | undefined;
  #redis: RedisLimiter | undefined;
  #clients: Client[] = [];

  get control(): ControlPlane {
    return fixtureValue(this.#control, 'the control plane is not started yet');
  }

  get gw(): TestGateway {
    return fixtureValue(this.#gw, 'the gateway is not started yet');
  }

  /** The orders API's MCP endpoint on the gateway. */
  get endpoint(): URL {
    return new URL(`${this.gw.url}/orders-api/mcp`);
  }

  /** The upstream: answers /orders and /orders/:id from `orders`, recording every request. */
  readonly ordersUpstream = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      this.upstreamHits.push({ method: req.method ?? '', url: req.url ?? '', body });
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
          [...this.orders.values()].filter((o) => status === null || o.status === status),
        );
      } else if (req.method === 'POST' && url.pathname === '/orders') {
        const input = JSON.parse(body) as { item: string; quantity: number };
        const order = { id: this.orders.size + 100, ...input, status: 'open' };
        this.orders.set(order.id, order);
        send(201, order);
      } else if (req.method === 'GET' && byId) {
        const order = this.orders.get(Number(byId[1]));
        if (order) send(200, order);
        else send(404, { error: `no order ${byId[1]}` });
      } else send(404, { error: 'not found' });
    });
  };

  async connect(key: string): Promise<Client> {
    const client = new Client({ name: 'mcp-integration-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(this.endpoint, {
        requestInit: { headers: { 'x-api-key': key } },
      }),
    );
    this.#clients.push(client);
    return client;
  }

  async newKey(consumer: string, name: string): Promise<{ id: string; clear: string }> {
    const created = await this.control.trpc<{ key: { id: string }; clear: string }>('keys.create', {
      consumerId: this.consumerIds[consumer],
      name,
    });
    return { id: created.key.id, clear: created.clear };
  }

  async restStatus(method: string, path: string, key: string): Promise<number> {
    const res = await request(`${this.gw.url}/orders-api${path}`, {
      method: method as 'GET',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify({ item: 'x', quantity: 1 }) } : {}),
    });
    await res.body.dump();
    return res.statusCode;
  }

  async start(): Promise<void> {
    const upstream = await startUpstream(this.ordersUpstream);
    this.#upstream = upstream;
    const control = await startControlPlane();
    this.#control = control;
    // The documented file, with the upstream's real address in place of the example's.
    const yaml = documentedYamlExample('mcp.md').replace(
      '127.0.0.1:9101',
      `127.0.0.1:${upstream.port}`,
    );
    await control.trpc('config.applyDocument', { document: yaml, message: 'mcp docs example' });
    const { token } = await control.trpc<{ token: string }>('tokens.createMachine', {
      kind: 'dataplane',
      name: 'gw-mcp-test',
    });
    for (const c of await control.query<{ id: string; name: string }[]>('consumers.list', {}))
      this.consumerIds[c.name] = c.id;
    for (const name of ['ops-agent', 'support-agent', 'trial-agent'])
      this.keys[name] = await this.newKey(name, 'agent');
    const redis = await connectRedisLimiter({ prefix: 'gwtest-mcp', budgetMs: 200 });
    this.#redis = redis;
    const gw = await startGateway({ controlUrl: control.url, token, limiter: redis.limiter });
    this.#gw = gw;
    await gw.gateway.sync.waitForConfig();
    // The ops agent's plan has room to spare: probing with it leaves the trial plan untouched.
    await eventually(
      async () =>
        (await this.restStatus('GET', '/orders', this.keys['ops-agent']?.clear ?? '')) === 200,
      5000,
      'keys synced',
    );
  }

  async close(): Promise<void> {
    for (const client of this.#clients) await client.close().catch(() => undefined);
    this.#clients = [];
    await this.#gw?.close();
    this.#redis?.disconnect();
    await this.#control?.close();
    await this.#upstream?.close();
  }
}

/** A stack for this test file: started before its tests, closed after them. */
export function useMcpStack(): McpStack {
  const stack = new McpStack();
  beforeAll(() => stack.start(), 120_000);
  afterAll(() => stack.close());
  return stack;
}

/** The error a call was refused with; fails the test when the call succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be refused');
}
