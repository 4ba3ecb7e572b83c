import { describe, expect, it } from 'vitest';
import { formatIssues, ZDeclarativeConfig } from './declarative';
import { mcpEndpointPath, ZMcpSettings } from './mcp-settings';

const base = {
  services: [{ name: 'orders', targets: ['127.0.0.1:9000'] }],
  apis: [
    {
      name: 'orders-api',
      basePath: '/orders',
      service: 'orders',
      routes: [{ name: 'one', methods: ['GET'], path: '/:id' }],
    },
  ],
};

function issues(doc: unknown): string[] {
  const parsed = ZDeclarativeConfig.safeParse(doc);
  return parsed.success ? [] : formatIssues(parsed.error);
}

describe('MCP settings and plan route scopes in the file', () => {
  it('fills defaults: off, /mcp, tools from the OpenAPI document', () => {
    expect(ZMcpSettings.parse({})).toEqual({
      enabled: false,
      source: 'openapi',
      upstreamPath: '/mcp',
      path: '/mcp',
      include: [],
      exclude: [],
      tools: {},
    });
    expect(mcpEndpointPath('/orders', '/mcp')).toBe('/orders/mcp');
    expect(mcpEndpointPath('/', '/mcp')).toBe('/mcp');
  });

  it('refuses a misspelt mcp key instead of leaving MCP silently off', () => {
    const doc = { ...base, apis: [{ ...base.apis[0], mcp: { enabeld: true } }] };
    expect(issues(doc).join('\n')).toContain('apis[0].mcp');
  });

  it('refuses an endpoint path with parameters and a tool name with spaces', () => {
    const doc = {
      ...base,
      apis: [
        {
          ...base.apis[0],
          mcp: { enabled: true, path: '/:x', tools: { getOrder: { name: 'get order' } } },
        },
      ],
    };
    const found = issues(doc).join('\n');
    expect(found).toContain('apis[0].mcp.path: must start with "/" and use literal segments only');
    expect(found).toContain('apis[0].mcp.tools.getOrder.name');
  });

  it('takes plan entries naming an API whole or some of its routes, and checks the names', () => {
    const ok = {
      ...base,
      plans: [{ name: 'p', apis: ['orders-api', { api: 'orders-api', routes: ['one'] }] }],
    };
    expect(issues(ok)).toEqual([]);
    const bad = {
      ...base,
      plans: [
        {
          name: 'p',
          apis: [
            { api: 'orders-api', routes: ['two'] },
            { api: 'nope', routes: ['x'] },
          ],
        },
        { name: 'q', apis: [{ api: 'orders-api', routes: [] }] },
      ],
    };
    expect(issues(bad)).toEqual(
      expect.arrayContaining([
        'plans[0].apis[0].routes[0]: API orders-api has no route named two',
        'plans[0].apis[1]: unknown API nope',
        'plans[1].apis[0].routes: list at least one route name',
      ]),
    );
  });
});
