import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { generateSecret } from '@portico/keys';
import { GET_ITEM_TOOL } from '@portico/testkit';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSet } from './credential-set';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf, CountingEcho, type EchoBody, published } from './harness';

/**
 * The MCP endpoint on a gateway fed its config directly (no control plane): authentication
 * kinds, route scope against paths built from arguments, protocol edges, refused versions and
 * a cold burst of tool calls.
 */

const JWT_SECRET = randomBytes(32).toString('hex');
const agentKey = generateSecret('apiKey');
let gw: GatewayWithUpstream;
const countingEcho = new CountingEcho();
const clients: Client[] = [];

const getItem = GET_ITEM_TOOL;
const exportItems = {
  name: 'exportItems',
  operation: 'exportItems',
  method: 'GET',
  path: '/items/export',
  params: [],
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
};

const tenantExport = {
  name: 'tenantExport',
  operation: 'tenantExport',
  method: 'GET',
  path: '/items/export',
  params: [{ name: 'X-Tenant', in: 'header' }],
  inputSchema: {
    type: 'object',
    properties: { 'X-Tenant': { type: 'string' } },
    additionalProperties: false,
  },
};

function mcpApi(id: string, basePath: string, auth: Record<string, unknown>, tools: unknown[]) {
  return apiOf(id, basePath, 'svc', {
    auth,
    routes: [
      { id: `${id}-one`, name: 'one', methods: ['GET'], path: '/items/:id' },
      { id: `${id}-export`, name: 'export', methods: ['GET'], path: '/items/export' },
    ],
    mcp: { path: '/mcp', tools },
  });
}

function snapshot(
  upstream: { port: number },
  tools: unknown[] = [getItem, exportItems, tenantExport],
) {
  return {
    services: [loopbackService('svc', [upstream])],
    apis: [
      mcpApi('keyed', '/keyed', { type: 'key' }, tools),
      {
        ...mcpApi('open', '/open', { type: 'none' }, tools),
        policies: {
          cors: {
            allowOrigins: ['https://inspector.test'],
            allowHeaders: ['content-type', 'mcp-protocol-version'],
          },
        },
      },
      mcpApi('jwt', '/jwt', { type: 'jwt', secretRef: 'hs', algorithms: ['HS256'] }, tools),
    ],
    plans: [
      // Only the parameterised route: /items/export is outside it.
      {
        id: 'one-only',
        name: 'one-only',
        apiIds: ['keyed', 'jwt'],
        routeIds: { keyed: ['keyed-one'], jwt: ['jwt-one'] },
      },
    ],
  };
}

async function connect(path: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'gateway-mcp-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${gw.url}${path}`), { requestInit: { headers } }),
  );
  clients.push(client);
  return client;
}

async function refusal(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

beforeAll(async () => {
  gw = await startGatewayWithUpstream({
    upstream: countingEcho.handler,
    snapshot: (upstream) => snapshot(upstream),
    jwtSecrets: { hs: JWT_SECRET },
    credentials: credentialSet([
      { id: 'con_agent', name: 'agent', key: agentKey, planId: 'one-only' },
    ]),
  });
});
afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await gw?.close();
});

describe('MCP endpoint on a directly fed gateway', () => {
  it('serves a cold burst of tool calls on a freshly configured gateway', async () => {
    const client = await connect('/open/mcp', {});
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.callTool({ name: 'getItem', arguments: { id: `item-${i}` } }),
      ),
    );
    expect(results.every((r) => !r.isError)).toBe(true);
    const urls = results.map(
      (r) => (JSON.parse((r.content as { text: string }[])[0]?.text ?? '{}') as EchoBody).url,
    );
    expect(urls.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `/items/item-${i}`).sort());
  });

  it('shows an anonymous caller of an open API every tool, and sends consumer-free headers', async () => {
    const client = await connect('/open/mcp', {});
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
      'getItem',
      'exportItems',
      'tenantExport',
    ]);
    const result = await client.callTool({ name: 'getItem', arguments: { id: 'a b/c' } });
    const echoed = JSON.parse((result.content as { text: string }[])[0]?.text ?? '{}') as EchoBody;
    // An argument is one path segment, encoded: it can neither add segments nor leave the path.
    expect(echoed.url).toBe('/items/a%20b%2Fc');
    expect(echoed.headers['x-portico-mcp-tool']).toBe('getItem');
    expect(echoed.headers['x-consumer-id']).toBeUndefined();
  });

  it('admits a bearer JWT and applies the same route scope as for keys', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agent')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const client = await connect('/jwt/mcp', { authorization: `Bearer ${token}` });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['getItem']);
    const result = await client.callTool({ name: 'getItem', arguments: { id: '7' } });
    expect(
      (JSON.parse((result.content as { text: string }[])[0]?.text ?? '{}') as EchoBody).headers[
        'x-consumer-name'
      ],
    ).toBe('agent');
  });

  it('routes the path an argument builds, so it cannot reach a route outside the plan', async () => {
    const client = await connect('/keyed/mcp', { 'x-api-key': agentKey.clear });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['getItem']);
    const before = countingEcho.hits;
    // /items/export is its own route, which the plan leaves out: the REST call is refused...
    const rest = await request(`${gw.url}/keyed/items/export`, {
      headers: { 'x-api-key': agentKey.clear },
    });
    expect(rest.statusCode).toBe(403);
    await rest.body.dump();
    // ...and so is the tool call whose argument builds that same path, and the tool itself.
    const sneaky = await refusal(client.callTool({ name: 'getItem', arguments: { id: 'export' } }));
    expect(sneaky.data).toMatchObject({ status: 403, code: 'GW_FORBIDDEN' });
    const direct = await refusal(client.callTool({ name: 'exportItems', arguments: {} }));
    expect(direct.data).toMatchObject({ status: 403, code: 'GW_FORBIDDEN' });
    expect(countingEcho.hits).toBe(before);
    expect(
      (await client.callTool({ name: 'getItem', arguments: { id: '1' } })).isError,
    ).toBeFalsy();
  });

  it('refuses missing credentials with the REST problem, before reading the message', async () => {
    const res = await post('/keyed/mcp', '{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(res.text)).toMatchObject({ code: 'GW_KEY_MISSING', status: 401 });
  });

  it('answers GET with 405, notifications with 202, and refuses an unknown protocol revision', async () => {
    const get = await request(`${gw.url}/open/mcp`);
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    await get.body.dump();
    const note = await post('/open/mcp', '{"jsonrpc":"2.0","method":"notifications/initialized"}');
    expect(note.status).toBe(202);
    expect(note.text).toBe('');
    const old = await post('/open/mcp', '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
      'mcp-protocol-version': '1999-01-01',
    });
    expect(old.status).toBe(400);
    expect(JSON.parse(old.text).error.message).toContain(
      'unsupported MCP-Protocol-Version 1999-01-01',
    );
    const init = await post(
      '/open/mcp',
      JSON.stringify({
        jsonrpc: '2.0',
        id: 'i',
        method: 'initialize',
        params: {
          protocolVersion: '2025-03-26',
          capabilities: {},
          clientInfo: { name: 'x', version: '1' },
        },
      }),
    );
    expect(JSON.parse(init.text).result.protocolVersion).toBe('2025-03-26');
  });

  it('refuses a version whose tool schema cannot compile, and keeps serving the last one', async () => {
    const broken = {
      ...getItem,
      inputSchema: { type: 'object', properties: { id: { type: 'no-such-type' } } },
    };
    const ok = await gw.feed(published(2, snapshot(gw.upstream, [broken]), { hs: JWT_SECRET }));
    expect(ok).toBe(false);
    expect(gw.gateway.runtime.current.config?.version).toBe(1);
    expect(gw.gateway.sync.status().lastError).toContain(
      'MCP tool getItem has an input schema that cannot be compiled',
    );
    const client = await connect('/open/mcp', {});
    expect(
      (await client.callTool({ name: 'getItem', arguments: { id: 'x' } })).isError,
    ).toBeFalsy();
  });

  it('answers browser clients by the API CORS policy: preflight and the JSON-RPC answer', async () => {
    const preflight = await request(`${gw.url}/open/mcp`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://inspector.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, mcp-protocol-version',
      },
    });
    await preflight.body.dump();
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://inspector.test');
    const answer = await post('/open/mcp', '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
      origin: 'https://inspector.test',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('https://inspector.test');
    const stranger = await post('/open/mcp', '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
      origin: 'https://evil.test',
    });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends header arguments as headers, and refuses one that would break the header', async () => {
    const client = await connect('/open/mcp', {});
    const result = await client.callTool({
      name: 'tenantExport',
      arguments: { 'X-Tenant': 'acme' },
    });
    const echoed = JSON.parse((result.content as { text: string }[])[0]?.text ?? '{}') as EchoBody;
    expect(echoed.headers['x-tenant']).toBe('acme');
    const before = countingEcho.hits;
    const injected = await refusal(
      client.callTool({ name: 'tenantExport', arguments: { 'X-Tenant': 'acme\r\nx-admin: yes' } }),
    );
    expect(injected.code).toBe(-32602);
    expect(injected.message).toContain('arguments.X-Tenant cannot be sent as an HTTP header value');
    expect(countingEcho.hits).toBe(before);
  });
});
