import { ZMcpSettings } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { getApi, updateApi } from '../src/services/apis/apis';
import { createPlan, getPlan, updatePlan } from '../src/services/plans/plans';
import { PorticoError } from '../src/services/shared/domain-errors';
import { exploreRequests } from '../src/services/usage/request-explorer';
import { topTools } from '../src/services/usage/top-tools';
import { countRows, refusedApply } from './config-harness';
import { configHarnessForFile } from './file-harness';
import { trpcErrorOf } from './harness';

const h = await configHarnessForFile();

const openapi = {
  openapi: '3.0.3',
  info: { title: 'Orders', version: '1' },
  paths: {
    '/orders': {
      get: {
        operationId: 'listOrders',
        summary: 'List orders',
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', nullable: true } }],
        responses: { '200': { description: 'ok' } },
      },
      post: {
        operationId: 'createOrder',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } },
        },
        responses: {
          '201': {
            description: 'created',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } },
          },
        },
      },
    },
    '/orders/{id}': {
      get: {
        summary: 'One order',
        description: 'By id.',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
  components: {
    schemas: {
      Order: {
        type: 'object',
        properties: { item: { type: 'string' }, next: { $ref: '#/components/schemas/Order' } },
      },
    },
  },
};

function mcpDocument(overrides: { mcp?: Record<string, unknown>; planApis?: unknown[] } = {}) {
  return {
    services: [{ name: 'orders', targets: ['127.0.0.1:9201'] }],
    apis: [
      {
        name: 'orders-api',
        basePath: '/shop',
        service: 'orders',
        routes: [
          { name: 'list', methods: ['GET'], path: '/orders' },
          { name: 'create', methods: ['POST'], path: '/orders' },
          { name: 'one', methods: ['GET'], path: '/orders/:id' },
        ],
        mcp: overrides.mcp ?? {
          enabled: true,
          tools: { 'GET /orders/{id}': { name: 'get_order' } },
        },
        openapi,
      },
    ],
    plans: [
      { name: 'all', apis: ['orders-api'] },
      {
        name: 'reader',
        apis: overrides.planApis ?? [{ api: 'orders-api', routes: ['one', 'list'] }],
      },
    ],
    consumers: [],
  };
}

describe('MCP settings and route-scoped plans in the declarative file', () => {
  it('publishes the tools derived from the OpenAPI document and the plan route ids', async () => {
    const result = await h.as('editor').config.applyDocument({ document: toYaml(mcpDocument()) });
    expect(result.published?.number).toBe(1);
    const version = await h.as('viewer').config.get({ number: 1 });
    const api = version.snapshot.apis[0];
    expect(api?.mcp?.path).toBe('/mcp');
    expect(api?.mcp?.tools.map((t) => t.name)).toEqual(['listOrders', 'createOrder', 'get_order']);
    const list = api?.mcp?.tools[0];
    // OpenAPI 3.0 `nullable` becomes a JSON Schema null type.
    expect(list?.inputSchema).toEqual({
      type: 'object',
      properties: { limit: { type: ['integer', 'null'] } },
      additionalProperties: false,
    });
    expect(list?.params).toEqual([{ name: 'limit', in: 'query' }]);
    const create = api?.mcp?.tools[1];
    expect(create?.hasBody).toBe(true);
    expect(create?.inputSchema.required).toEqual(['body']);
    // A self-referencing schema is inlined up to its first repeat, which becomes "any value".
    expect(create?.outputSchema).toEqual({
      type: 'object',
      properties: { item: { type: 'string' }, next: {} },
    });
    expect(api?.mcp?.tools[2]).toMatchObject({
      name: 'get_order',
      description: 'One order\n\nBy id.',
      method: 'GET',
      path: '/orders/{id}',
      operation: 'GET /orders/{id}',
    });
    const routeIds = new Map(api?.routes.map((r) => [r.name, r.id]));
    const reader = version.snapshot.plans.find((p) => p.name === 'reader');
    expect(reader?.routeIds).toEqual({
      [api?.id ?? '']: [routeIds.get('list'), routeIds.get('one')].sort(),
    });
    // Plans that include whole APIs keep their old snapshot shape.
    expect(version.snapshot.plans.find((p) => p.name === 'all')).not.toHaveProperty('routeIds');
  });

  it('applies the same file again as a no-op, and dump (without the document) applies as one too', async () => {
    const before = await countRows(h.db);
    const again = await h.as('editor').config.applyDocument({ document: mcpDocument() });
    expect(again).toMatchObject({ changes: [], published: null });
    const dumped = await h.as('viewer').config.dump();
    expect(dumped.apis[0]).not.toHaveProperty('openapi');
    expect(dumped.apis[0]?.mcp).toMatchObject({ enabled: true, path: '/mcp' });
    expect(dumped.plans.find((p) => p.name === 'reader')?.apis).toEqual([
      { api: 'orders-api', routes: ['list', 'one'] },
    ]);
    const fromDump = await h.as('editor').config.applyDocument({ document: toYaml(dumped) });
    expect(fromDump).toMatchObject({ changes: [], published: null });
    expect(await countRows(h.db)).toEqual(before);
  });

  it('shows the MCP settings and endpoint on the API read procedures', async () => {
    const row = await h.db.api.findUniqueOrThrow({ where: { name: 'orders-api' } });
    const api = await getApi(h.db, row.id);
    expect(api.mcpEndpoint).toBe('/shop/mcp');
    expect(api.mcp).toMatchObject({ enabled: true, path: '/mcp', include: [], exclude: [] });
  });

  it('refuses operations the document does not have, naming the setting, and writes nothing', async () => {
    await refusedApply(
      h,
      {
        document: mcpDocument({ mcp: { enabled: true, exclude: ['deleteOrder'] } }),
      },
      {
        code: 'BAD_REQUEST',
        message: 'apis.orders-api.mcp.exclude: the OpenAPI document has no operation "deleteOrder"',
      },
    );
  });

  it('refuses two operations that would make one tool name', async () => {
    const error = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: mcpDocument({
          mcp: { enabled: true, tools: { createOrder: { name: 'listOrders' } } },
        }),
      }),
    );
    expect(error.message).toContain('both make a tool named listOrders');
  });

  it('refuses a plan naming a route the API does not have, and writes nothing', async () => {
    await refusedApply(
      h,
      {
        document: mcpDocument({ planApis: [{ api: 'orders-api', routes: ['delete'] }] }),
      },
      {
        code: 'BAD_REQUEST',
        message: 'plans[1].apis[0].routes[0]: API orders-api has no route named delete',
      },
    );
  });

  it('refuses MCP on an API without an OpenAPI document, at apply and on the API form', async () => {
    const doc = mcpDocument();
    const { openapi: _document, ...withoutDocument } = doc.apis[0] as (typeof doc.apis)[number];
    await refusedApply(
      h,
      {
        document: {
          ...doc,
          apis: [doc.apis[0], { ...withoutDocument, name: 'bare-api', basePath: '/bare' }],
        },
      },
      {
        code: 'BAD_REQUEST',
        message: "apis.bare-api.mcp: MCP tools are made from the API's OpenAPI document",
      },
    );

    const service = await h.db.service.findUniqueOrThrow({ where: { name: 'orders' } });
    const bare = await h.db.api.create({
      data: {
        id: 'api_bare_test',
        name: 'bare',
        slug: 'bare',
        basePath: '/bare',
        serviceId: service.id,
        auth: { type: 'key' },
      },
    });
    const formError = await h.db
      .$transaction((tx) =>
        updateApi(
          tx,
          {
            id: bare.id,
            mcp: ZMcpSettings.parse({ enabled: true }),
          },
          new Date(),
        ),
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(formError).toBeInstanceOf(PorticoError);
    expect((formError as PorticoError).code).toBe('CTL_INVALID_INPUT');
    expect((formError as PorticoError).message).toContain('import one first');
    expect((await h.db.api.findUniqueOrThrow({ where: { id: bare.id } })).mcp).toBeNull();
  });

  it("keeps a plan's route scope when the plan's API list is edited, and shows it", async () => {
    const plan = await h.db.plan.findUniqueOrThrow({ where: { name: 'reader' } });
    const api = await h.db.api.findUniqueOrThrow({ where: { name: 'orders-api' } });
    const bare = await h.db.api.findUniqueOrThrow({ where: { name: 'bare' } });
    const { after } = await h.db.$transaction((tx) =>
      updatePlan(tx, { id: plan.id, apiIds: [api.id, bare.id] }),
    );
    expect(after.apiIds.sort()).toEqual([api.id, bare.id].sort());
    // Adding an API must not widen the existing scope to the whole API.
    expect(after.routeScopes).toEqual({ [api.id]: ['list', 'one'] });
    const { after: narrowed } = await h.db.$transaction((tx) =>
      updatePlan(tx, { id: plan.id, routeScopes: { [api.id]: ['one'] } }),
    );
    expect(narrowed.routeScopes).toEqual({ [api.id]: ['one'] });
  });

  it('refuses a plan scope naming an unknown route or an API outside the plan, writing nothing', async () => {
    const api = await h.db.api.findUniqueOrThrow({ where: { name: 'orders-api' } });
    const before = await h.db.plan.count();
    const input = {
      name: 'scoped',
      public: true,
      approvalRequired: false,
      redisFailurePolicy: 'open' as const,
      apiIds: [api.id],
    };
    const unknown = await h.db
      .$transaction((tx) =>
        createPlan(tx, { ...input, routeScopes: { [api.id]: ['nope'] } }, new Date()),
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((unknown as PorticoError).message).toContain(
      `routeScopes.${api.id}: the API has no route named nope`,
    );
    const outside = await h.db
      .$transaction((tx) =>
        createPlan(tx, { ...input, apiIds: [], routeScopes: { [api.id]: ['one'] } }, new Date()),
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((outside as PorticoError).message).toContain('the plan does not include API');
    expect(await h.db.plan.count()).toBe(before);
    const created = await h.db.$transaction((tx) =>
      createPlan(tx, { ...input, routeScopes: { [api.id]: ['create'] } }, new Date()),
    );
    expect((await getPlan(h.db, created.id)).routeScopes).toEqual({ [api.id]: ['create'] });
  });

  it('publishes an MCP-server API as a relay with its tool allow and deny lists', async () => {
    const doc = mcpDocument();
    const relay = {
      name: 'agent-tools',
      basePath: '/agent-tools',
      service: 'orders',
      mcp: { enabled: true, source: 'upstream', upstreamPath: '/rpc', exclude: ['drop_database'] },
    };
    const result = await h
      .as('editor')
      .config.applyDocument({ document: { ...doc, apis: [...doc.apis, relay] } });
    const version = await h.as('viewer').config.get({ number: result.published?.number ?? 0 });
    expect(version.snapshot.apis.find((a) => a.name === 'agent-tools')?.mcp).toEqual({
      path: '/mcp',
      tools: [],
      upstream: { path: '/rpc', include: [], exclude: ['drop_database'] },
    });
    const renamed = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: {
          ...doc,
          apis: [
            ...doc.apis,
            { ...relay, mcp: { ...relay.mcp, tools: { add: { name: 'plus' } } } },
          ],
        },
      }),
    );
    expect(renamed.message).toContain(
      'apis.agent-tools.mcp.tools: renaming tools is for OpenAPI tools',
    );
  });

  it('ranks tool calls by tool from the request log, and filters the explorer by tool', async () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const rows = [
      { tool: 'get_order', status: 200, totalMs: 4 },
      { tool: 'get_order', status: 200, totalMs: 6 },
      { tool: 'get_order', status: 429, totalMs: 1 },
      { tool: 'createOrder', status: 201, totalMs: 9 },
      { tool: null, status: 200, totalMs: 2 },
    ];
    for (const [i, row] of rows.entries()) {
      await h.db.requestLog.create({
        data: {
          requestId: `req_tool_${i}`,
          time: new Date(at.getTime() + i * 1000),
          nodeId: 'dpn_a',
          apiId: 'api_x',
          consumerId: i === 3 ? 'con_b' : 'con_a',
          method: 'GET',
          bytesIn: 0,
          bytesOut: 0,
          batchId: 'bat_x',
          ...row,
        },
      });
    }
    const window = { from: at, to: new Date(at.getTime() + 60_000) };
    expect(await topTools(h.db, window, {}, null, 10)).toEqual([
      { apiId: 'api_x', tool: 'get_order', calls: 3, errors: 1, p50Ms: 4 },
      { apiId: 'api_x', tool: 'createOrder', calls: 1, errors: 0, p50Ms: 9 },
    ]);
    // A developer's scope sees only their consumers' calls.
    expect(await topTools(h.db, window, {}, ['con_b'], 10)).toEqual([
      { apiId: 'api_x', tool: 'createOrder', calls: 1, errors: 0, p50Ms: 9 },
    ]);
    const explored = await exploreRequests(h.db, { tool: 'get_order', limit: 10 }, null);
    expect(explored.items.map((r) => [r.requestId, r.tool, r.status])).toEqual([
      ['req_tool_2', 'get_order', 429],
      ['req_tool_1', 'get_order', 200],
      ['req_tool_0', 'get_order', 200],
    ]);
  });
});
