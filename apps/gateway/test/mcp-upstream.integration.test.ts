import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { generateSecret } from '@portico/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { credentialSet } from './credential-set';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf } from './harness';
import { connectRedisLimiter, type RedisLimiter } from './redis-limiter';

/**
 * An API whose service is itself an MCP server (the SDK's own server, stateless Streamable HTTP,
 * answering in event streams), relayed by the gateway under the API's keys, plans, per-tool
 * allow/deny and analytics, and reached with the SDK's client.
 */

const agentKey = generateSecret('apiKey');
const strangerKey = generateSecret('apiKey');
let gw: GatewayWithUpstream;
let redis: RedisLimiter;
const toolRuns: string[] = [];
const upstreamHeaders: Record<string, string | string[] | undefined>[] = [];
const clients: Client[] = [];

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'inventory-mcp', version: '2.0.0' });
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => {
      toolRuns.push('add');
      return { content: [{ type: 'text', text: String(a + b) }] };
    },
  );
  server.registerTool(
    'echo',
    { description: 'Echoes', inputSchema: { text: z.string() } },
    async ({ text }) => {
      toolRuns.push('echo');
      return { content: [{ type: 'text', text }] };
    },
  );
  server.registerTool('drop_database', { description: 'Never for callers' }, async () => {
    toolRuns.push('drop_database');
    return { content: [{ type: 'text', text: 'dropped' }] };
  });
  return server;
}

async function connect(key: string): Promise<Client> {
  const client = new Client({ name: 'relay-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${gw.url}/inventory/mcp`), {
      requestInit: { headers: { 'x-api-key': key } },
    }),
  );
  clients.push(client);
  return client;
}

beforeAll(async () => {
  redis = await connectRedisLimiter({ prefix: 'gwtest-mcp-relay', budgetMs: 200 });
  gw = await startGatewayWithUpstream({
    limiter: redis.limiter,
    upstream: (req, res) => {
      upstreamHeaders.push(req.headers);
      // Stateless: a fresh server and transport per request, as the SDK documents.
      const server = mcpServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      server
        .connect(transport)
        .then(() => transport.handleRequest(req, res))
        .catch(() => res.destroy());
    },
    snapshot: (upstream) => ({
      services: [loopbackService('mcpsvc', [upstream])],
      apis: [
        apiOf('inventory', '/inventory', 'mcpsvc', {
          auth: { type: 'key' },
          routes: [],
          mcp: { path: '/mcp', upstream: { path: '/mcp', exclude: ['drop_database'] } },
        }),
      ],
      plans: [
        {
          id: 'agents',
          name: 'agents',
          apiIds: ['inventory'],
          rateLimit: { requests: 3, per: 'minute' },
        },
      ],
    }),
    credentials: credentialSet([
      { id: 'con_agent', name: 'agent', key: agentKey, planId: 'agents' },
      { id: 'con_stranger', name: 'stranger', key: strangerKey },
    ]),
  });
});
afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await gw?.close();
  redis?.disconnect();
});

describe('an MCP server behind the gateway', () => {
  it('relays the handshake and lists only the tools the API offers', async () => {
    const client = await connect(agentKey.clear);
    expect(client.getServerVersion()).toEqual({ name: 'inventory-mcp', version: '2.0.0' });
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(['add', 'echo']);
    // The server saw the gateway's identity headers, never the key.
    const last = upstreamHeaders.at(-1);
    expect(last?.['x-consumer-name']).toBe('agent');
    expect(JSON.stringify(upstreamHeaders)).not.toContain(agentKey.clear);
  });

  it("relays a tool call and returns the server's answer", async () => {
    const client = await connect(agentKey.clear);
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(result.content).toEqual([{ type: 'text', text: '5' }]);
    expect(toolRuns).toEqual(['add']);
  });

  it('refuses a denied tool as unknown without reaching the server', async () => {
    const client = await connect(agentKey.clear);
    const error = await client.callTool({ name: 'drop_database', arguments: {} }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toContain('Unknown tool: drop_database');
    expect(toolRuns).not.toContain('drop_database');
  });

  it("counts relayed tool calls against the plan's rate limit", async () => {
    const client = await connect(agentKey.clear);
    // One call made above; the plan allows three a minute.
    await client.callTool({ name: 'echo', arguments: { text: 'a' } });
    await client.callTool({ name: 'echo', arguments: { text: 'b' } });
    const runs = toolRuns.length;
    const limited = await client.callTool({ name: 'echo', arguments: { text: 'c' } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((limited as McpError).code).toBe(-32000);
    expect((limited as McpError).data).toMatchObject({ status: 429, code: 'GW_RATE_LIMITED' });
    expect(toolRuns.length).toBe(runs);
    // Listing is not limited.
    expect((await client.listTools()).tools).toHaveLength(2);
  });

  it('refuses a consumer without a plan for the API before relaying anything', async () => {
    const before = upstreamHeaders.length;
    const error = await connect(strangerKey.clear).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(403);
    expect(upstreamHeaders.length).toBe(before);
  });

  it('records relayed tool calls by tool name', () => {
    const calls = gw.analytics.events.filter((e) => e.tool !== null && e.tool !== undefined);
    expect(calls.map((e) => [e.tool, e.status])).toEqual([
      ['add', 200],
      ['echo', 200],
      ['echo', 200],
      ['echo', 429],
    ]);
    expect(calls[0]).toMatchObject({
      apiId: 'inventory',
      consumerId: 'con_agent',
      errorCode: null,
    });
    expect(calls[0]?.upstreamMs).toBeGreaterThan(0);
  });
});
