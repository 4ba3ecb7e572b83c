import { ZMcpSettings } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { mcpToolsFromOpenApi } from './openapi-tools';

const settings = (input: Record<string, unknown> = {}) =>
  ZMcpSettings.parse({ enabled: true, ...input });

const swagger2 = {
  swagger: '2.0',
  info: { title: 'Legacy', version: '1' },
  paths: {
    '/users/{user-id}/files': {
      get: {
        parameters: [
          { name: 'user-id', in: 'path', required: true, type: 'string' },
          { name: 'kind', in: 'query', type: 'string', enum: ['pdf', 'png'] },
          { name: 'X-Trace', in: 'header', type: 'string' },
          { name: 'session', in: 'cookie', type: 'string' },
        ],
        responses: { '200': { description: 'ok' } },
      },
      put: {
        operationId: 'uploadFile',
        requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } },
        responses: { '204': { description: 'done' } },
      },
    },
  },
};

describe('tools from an OpenAPI document', () => {
  it('names operations without an operationId by method and path, and reads Swagger 2 parameters', () => {
    const result = mcpToolsFromOpenApi(stringify(swagger2), settings());
    if (!result.ok) throw new Error(result.issue);
    const [list, upload] = result.tools;
    expect(list?.name).toBe('get_users_user-id_files');
    expect(list?.operation).toBe('GET /users/{user-id}/files');
    expect(list?.params).toEqual([
      { name: 'user-id', in: 'path' },
      { name: 'kind', in: 'query' },
      { name: 'X-Trace', in: 'header' },
    ]);
    expect(list?.inputSchema).toEqual({
      type: 'object',
      properties: {
        'user-id': { type: 'string' },
        kind: { type: 'string', enum: ['pdf', 'png'] },
        'X-Trace': { type: 'string' },
      },
      required: ['user-id'],
      additionalProperties: false,
    });
    // A body that is not JSON gets an argument without a schema; no output schema without JSON.
    expect(upload?.hasBody).toBe(true);
    expect(upload?.inputSchema.properties).toEqual({ body: {} });
    expect(upload?.outputSchema).toBeUndefined();
  });

  it('keeps only included operations and drops excluded ones, by operationId or METHOD /path', () => {
    const included = mcpToolsFromOpenApi(
      JSON.stringify(swagger2),
      settings({ include: ['uploadFile'] }),
    );
    expect(included.ok && included.tools.map((t) => t.name)).toEqual(['uploadFile']);
    const excluded = mcpToolsFromOpenApi(
      JSON.stringify(swagger2),
      settings({ exclude: ['GET /users/{user-id}/files'] }),
    );
    expect(excluded.ok && excluded.tools.map((t) => t.name)).toEqual(['uploadFile']);
  });

  it('explains what is wrong with a document it cannot use', () => {
    expect(mcpToolsFromOpenApi('{ not: [valid', settings())).toEqual({
      ok: false,
      issue: 'the OpenAPI document is not valid JSON or YAML',
    });
    expect(mcpToolsFromOpenApi('openapi: 3.0.0', settings())).toEqual({
      ok: false,
      issue: 'the OpenAPI document has no paths object',
    });
    const unknown = mcpToolsFromOpenApi(
      JSON.stringify(swagger2),
      settings({ tools: { getFiles: { name: 'files' } } }),
    );
    expect(unknown).toEqual({
      ok: false,
      issue:
        'mcp.tools: the OpenAPI document has no operation "getFiles" (name an operationId or "METHOD /path")',
    });
  });
});
