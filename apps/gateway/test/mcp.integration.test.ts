import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, McpError } from '@modelcontextprotocol/sdk/types.js';
import { eventually } from '@portico/testkit';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { rejection, useMcpStack } from './mcp-stack';

const stack = useMcpStack();

describe('MCP endpoint generated from the OpenAPI document', () => {
  it("negotiates the SDK client's newest protocol revision and names the API", async () => {
    const client = await stack.connect(stack.keys['ops-agent']?.clear ?? '');
    expect(client.getServerVersion()).toEqual({ name: 'Orders', version: 'v1' });
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    const transport = client.transport as StreamableHTTPClientTransport;
    expect(transport.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    await client.ping();
  });

  it('lists a different tool set under each plan: whole API versus two routes', async () => {
    const ops = await stack.connect(stack.keys['ops-agent']?.clear ?? '');
    const support = await stack.connect(stack.keys['support-agent']?.clear ?? '');
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
    const client = await stack.connect(stack.keys['ops-agent']?.clear ?? '');
    await client.listTools();
    const before = stack.upstreamHits.length;
    const result = await client.callTool({ name: 'get_order', arguments: { id: 42 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(stack.orders.get(42));
    expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? '')).toEqual(
      stack.orders.get(42),
    );
    expect(stack.upstreamHits.slice(before)).toEqual([
      { method: 'GET', url: '/orders/42', body: '' },
    ]);

    const listed = await client.callTool({ name: 'listOrders', arguments: { status: 'open' } });
    expect(stack.upstreamHits.at(-1)?.url).toBe('/orders?status=open');
    expect(JSON.parse((listed.content as { text: string }[])[0]?.text ?? '')).toContainEqual(
      stack.orders.get(42),
    );

    const created = await client.callTool({
      name: 'createOrder',
      arguments: { body: { item: 'desk', quantity: 2 } },
    });
    expect(created.structuredContent).toMatchObject({ item: 'desk', quantity: 2, status: 'open' });
    expect(stack.upstreamHits.at(-1)).toMatchObject({ method: 'POST', url: '/orders' });
    expect(JSON.parse(stack.upstreamHits.at(-1)?.body ?? '{}')).toEqual({
      item: 'desk',
      quantity: 2,
    });
  });

  it('returns an upstream error as a tool error with its status and body', async () => {
    const client = await stack.connect(stack.keys['ops-agent']?.clear ?? '');
    const result = await client.callTool({ name: 'get_order', arguments: { id: 7777 } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toBe(
      'upstream answered 404: {"error":"no order 7777"}',
    );
    expect(result._meta?.['portico.dev/upstreamStatus']).toBe(404);
  });

  it('refuses bad arguments and unknown tools before the upstream is reached', async () => {
    const client = await stack.connect(stack.keys['ops-agent']?.clear ?? '');
    const before = stack.upstreamHits.length;
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
    expect(stack.upstreamHits.length).toBe(before);
  });

  it('answers malformed and oversize messages with JSON-RPC errors, upstream untouched', async () => {
    const before = stack.upstreamHits.length;
    const post = async (body: string, contentType = 'application/json') => {
      const res = await request(stack.endpoint, {
        method: 'POST',
        headers: {
          'x-api-key': stack.keys['ops-agent']?.clear ?? '',
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
    expect(stack.upstreamHits.length).toBe(before);
  });

  it('refuses a tool outside the plan with the problem the REST call gets', async () => {
    const support = await stack.connect(stack.keys['support-agent']?.clear ?? '');
    const before = stack.upstreamHits.length;
    const refused = await rejection(
      support.callTool({ name: 'createOrder', arguments: { body: { item: 'x', quantity: 1 } } }),
    );
    expect((refused as McpError).code).toBe(-32000);
    expect((refused as McpError).data).toMatchObject({ status: 403, code: 'GW_FORBIDDEN' });
    const rest = await request(`${stack.gw.url}/orders-api/orders`, {
      method: 'POST',
      headers: {
        'x-api-key': stack.keys['support-agent']?.clear ?? '',
        'content-type': 'application/json',
      },
      body: '{"item":"x","quantity":1}',
    });
    const problem = (await rest.body.json()) as { code: string; detail: string };
    expect(rest.statusCode).toBe(403);
    expect(problem.code).toBe('GW_FORBIDDEN');
    expect((refused as McpError).data).toMatchObject({ detail: problem.detail });
    expect(stack.upstreamHits.length).toBe(before);
    // The routes the plan does include work over both surfaces.
    expect(
      await stack.restStatus('GET', '/orders/42', stack.keys['support-agent']?.clear ?? ''),
    ).toBe(200);
    expect(
      (await support.callTool({ name: 'get_order', arguments: { id: 42 } })).isError,
    ).toBeFalsy();
  });

  it('counts tool calls and REST calls against one rate limit and refuses past it', async () => {
    const key = stack.keys['trial-agent']?.clear ?? '';
    const client = await stack.connect(key);
    // The trial plan allows 3 requests a minute: two tool calls and one REST call use them up.
    expect(
      (await client.callTool({ name: 'get_order', arguments: { id: 42 } })).isError,
    ).toBeFalsy();
    expect(await stack.restStatus('GET', '/orders/42', key)).toBe(200);
    expect((await client.callTool({ name: 'listOrders', arguments: {} })).isError).toBeFalsy();
    const before = stack.upstreamHits.length;
    const limited = await rejection(client.callTool({ name: 'get_order', arguments: { id: 42 } }));
    expect((limited as McpError).code).toBe(-32000);
    expect((limited as McpError).data).toMatchObject({ status: 429, code: 'GW_RATE_LIMITED' });
    expect(
      ((limited as McpError).data as { headers: Record<string, string> }).headers['Retry-After'],
    ).toBeDefined();
    expect(await stack.restStatus('GET', '/orders/42', key)).toBe(429);
    expect(stack.upstreamHits.length).toBe(before);
    // Listing is not a request against the limit.
    expect((await client.listTools()).tools.length).toBe(3);
  });

  it('stops tool calls within 1 s of a key being revoked', async () => {
    const key = await stack.newKey('ops-agent', 'to-revoke');
    await eventually(
      async () => (await stack.restStatus('GET', '/orders/42', key.clear)) === 200,
      5000,
      'key admitted',
    );
    const client = await stack.connect(key.clear);
    expect(
      (await client.callTool({ name: 'get_order', arguments: { id: 42 } })).isError,
    ).toBeFalsy();
    const started = performance.now();
    await stack.control.trpc('keys.revoke', { id: key.id });
    const refusal = await firstRefusal(client, 'revoked key refused');
    const elapsed = performance.now() - started;
    console.log(`revoked key refused on the MCP endpoint after ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(1000);
    expect(refusal).toBeInstanceOf(StreamableHTTPError);
    expect((refusal as StreamableHTTPError).code).toBe(401);
    expect((refusal as Error).message).toContain('GW_KEY_INVALID');
  });

  it('stops tool calls within 1 s of the consumer being suspended', async () => {
    const client = await stack.connect(stack.keys['support-agent']?.clear ?? '');
    expect(
      (await client.callTool({ name: 'get_order', arguments: { id: 42 } })).isError,
    ).toBeFalsy();
    const started = performance.now();
    await stack.control.trpc('consumers.suspend', { id: stack.consumerIds['support-agent'] });
    const refusal = await firstRefusal(client, 'suspended consumer refused');
    const elapsed = performance.now() - started;
    console.log(`suspended consumer refused on the MCP endpoint after ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(1000);
    expect((refusal as StreamableHTTPError).code).toBe(403);
    expect((refusal as Error).message).toContain('is suspended');
  });

  it('records tool calls in analytics by tool name, as the operation and route they ran', async () => {
    const routes = await stack.control.query<
      { id: string; routes: { id: string; name: string | null }[] }[]
    >('apis.list', {});
    const getOrderRoute = routes[0]?.routes.find((r) => r.name === 'getOrder')?.id;
    const toolEvents = stack.gw.analytics.events.filter((e) => e.tool === 'get_order');
    expect(toolEvents.length).toBeGreaterThanOrEqual(3);
    const ok = toolEvents.find((e) => e.status === 200);
    expect(ok).toMatchObject({
      method: 'GET',
      routeId: getOrderRoute,
      consumerId: stack.consumerIds['ops-agent'],
      errorCode: null,
    });
    expect(ok?.upstreamMs).toBeGreaterThan(0);
    expect(toolEvents.some((e) => e.status === 429 && e.errorCode === 'GW_RATE_LIMITED')).toBe(
      true,
    );
    expect(toolEvents.some((e) => e.status === 404 && e.errorCode === null)).toBe(true);
    expect(
      stack.gw.analytics.events.some((e) => e.tool === 'createOrder' && e.status === 403),
    ).toBe(true);
  });
});

/** Calls get_order until the gateway refuses it (within 5 s) and resolves to that refusal. */
async function firstRefusal(client: Client, what: string): Promise<unknown> {
  let refusal: unknown = null;
  await eventually(
    async () => {
      refusal = await rejection(
        client.callTool({ name: 'get_order', arguments: { id: 42 } }),
      ).catch(() => null);
      return refusal !== null;
    },
    5000,
    what,
  );
  return refusal;
}
