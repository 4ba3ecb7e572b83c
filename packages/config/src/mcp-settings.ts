import { z } from 'zod';
import { ZHttpMethod } from './api-settings';

/** MCP tool names: what clients put in `tools/call`; the MCP spec's allowed characters. */
export const ZMcpToolName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "-" and "." only');

/**
 * An OpenAPI operation as operators name it in `include`, `exclude` and `tools`: its
 * `operationId`, or `"METHOD /path"` as written in the document (`"GET /orders/{id}"`).
 */
export const ZMcpOperationRef = z.string().min(1).max(600);

/**
 * Per-API MCP settings (the `mcp` block of the declarative file): the gateway answers MCP at
 * `<basePath><path>` with one tool per OpenAPI operation of the API.
 */
export const ZMcpSettings = z
  .object({
    enabled: z.boolean().default(false),
    /**
     * Where the tools come from: `openapi`, one tool per operation of the API's OpenAPI document;
     * `upstream`, the API's service is itself an MCP server and the gateway relays to it.
     */
    source: z.enum(['openapi', 'upstream']).default('openapi'),
    /** With `source: upstream`: the path of the service's own MCP endpoint. */
    upstreamPath: z
      .string()
      .max(200)
      .regex(/^(\/[a-zA-Z0-9._~-]+)+$/, 'must start with "/" and use literal segments only')
      .default('/mcp'),
    /** Relative to the API's base path; one or more literal segments. */
    path: z
      .string()
      .max(200)
      .regex(/^(\/[a-zA-Z0-9._~-]+)+$/, 'must start with "/" and use literal segments only')
      .default('/mcp'),
    /** Only these operations (with `source: upstream`, these tool names) become tools (empty: all). */
    include: z.array(ZMcpOperationRef).max(1000).default([]),
    /** These operations (with `source: upstream`, these tool names) never become tools. */
    exclude: z.array(ZMcpOperationRef).max(1000).default([]),
    /** Name and description overrides by operation. */
    tools: z
      .record(
        ZMcpOperationRef,
        z
          .object({
            name: ZMcpToolName.optional(),
            description: z.string().max(4000).optional(),
          })
          .strict(),
      )
      .default({}),
  })
  // A misspelt key (`enabeld`) must be an error, not MCP silently left off.
  .strict();
export type McpSettings = z.infer<typeof ZMcpSettings>;
export type McpSettingsInput = z.input<typeof ZMcpSettings>;

/** A JSON Schema object as carried in snapshots (validated by the gateway when it compiles). */
const ZJsonSchema = z.record(z.string(), z.unknown());

/** Where a tool argument goes in the upstream request. */
export const ZMcpParamLocation = z.enum(['path', 'query', 'header']);

/**
 * One tool as every gateway compiles it: derived by the control plane from the API's OpenAPI
 * document when the draft is published, so gateways never parse OpenAPI themselves.
 */
export const ZSnapshotMcpTool = z.object({
  name: ZMcpToolName,
  description: z.string().max(4000).optional(),
  /** The operation it was made from, as `include`/`exclude` name it. */
  operation: z.string().max(600),
  method: ZHttpMethod,
  /** OpenAPI path template relative to the API's base path (`/orders/{id}`). */
  path: z.string().max(500),
  params: z
    .array(z.object({ name: z.string().max(200), in: ZMcpParamLocation }))
    .max(200)
    .default([]),
  /** The request body travels as the `body` argument, JSON encoded. */
  hasBody: z.boolean().default(false),
  inputSchema: ZJsonSchema,
  outputSchema: ZJsonSchema.optional(),
});
export type SnapshotMcpTool = z.infer<typeof ZSnapshotMcpTool>;

export const ZSnapshotMcp = z.object({
  path: z.string().max(200),
  tools: z.array(ZSnapshotMcpTool).max(2000).default([]),
  /** Present when the API's service is itself an MCP server: relay to it, filtering tools. */
  upstream: z
    .object({
      path: z.string().max(200),
      include: z.array(z.string().max(600)).default([]),
      exclude: z.array(z.string().max(600)).default([]),
    })
    .optional(),
});
export type SnapshotMcp = z.infer<typeof ZSnapshotMcp>;

/** The MCP endpoint a client connects to: the API's base path joined with the MCP path. */
export function mcpEndpointPath(basePath: string, mcpPath: string): string {
  return basePath === '/' ? mcpPath : `${basePath}${mcpPath}`;
}
