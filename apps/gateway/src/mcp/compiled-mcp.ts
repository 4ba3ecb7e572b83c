import { mcpEndpointPath, type SnapshotApi, type SnapshotMcpTool } from '@portico/config';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { type CompiledRoute, matchRoute } from '../config/routing-table';

/** One tool, ready for calls: its validator, its upstream request template and its list entry. */
export interface CompiledTool {
  readonly tool: SnapshotMcpTool;
  /**
   * The route its operation falls under (null for an API without routes): the route a plan
   * must include for the tool to be listed. A call routes its real path again before going out.
   */
  readonly routeId: string | null;
  readonly validate: ValidateFunction;
  /** The path template split at its parameters: literal, parameter name, literal, … */
  readonly pathParts: readonly string[];
  readonly queryParams: readonly string[];
  readonly headerParams: readonly string[];
  /** The tool as `tools/list` shows it. */
  readonly listEntry: Readonly<Record<string, unknown>>;
}

/** An MCP server behind the API: where it answers, and which of its tools callers may see and call. */
export interface McpUpstream {
  readonly path: string;
  /** null: every tool not excluded. */
  readonly include: ReadonlySet<string> | null;
  readonly exclude: ReadonlySet<string>;
}

/** Whether an upstream MCP server's tool is offered to callers (per-tool allow and deny). */
export function upstreamToolAllowed(upstream: McpUpstream, name: string): boolean {
  return (upstream.include === null || upstream.include.has(name)) && !upstream.exclude.has(name);
}

/** An API's MCP endpoint for one config version. */
export interface CompiledMcp {
  /** `<basePath><path>`, matched against the normalised request path. */
  readonly endpointPath: string;
  readonly tools: ReadonlyMap<string, CompiledTool>;
  readonly toolList: readonly CompiledTool[];
  /**
   * `tools/list` answers by the set of plans a caller holds, serialised on first use: callers
   * on the same plans share one string for the life of this version.
   */
  readonly listCache: Map<string, string>;
  /** Set when the API's service is itself an MCP server: the endpoint relays to it. */
  readonly upstream: McpUpstream | null;
}

/** Most distinct plan sets remembered per endpoint; past it answers are built each time. */
export const MAX_LIST_CACHE_ENTRIES = 1000;

/** One validator factory per config version, so validators of retired versions can be freed. */
export function createSchemaCompiler(): Ajv {
  const ajv = new Ajv({
    // OpenAPI schemas carry keywords JSON Schema does not know (discriminator, readOnly, …).
    strict: false,
    allErrors: true,
    logger: false,
  });
  addFormats(ajv);
  return ajv;
}

/** `/orders/{id}/lines` -> ['/orders/', 'id', '/lines']. */
function splitTemplate(path: string): string[] {
  return path.split(/\{([^}]+)\}/);
}

/**
 * Compiles the MCP tools of an API: validators now, at config apply, so no request compiles
 * anything. Throws naming the API and tool when a schema cannot be compiled; the caller then
 * refuses the whole version. Tools whose operation no route of the API covers are left out:
 * no REST request could reach that operation either.
 */
export function compileMcp(
  api: SnapshotApi,
  routes: readonly CompiledRoute[],
  ajv: Ajv,
): CompiledMcp | null {
  const mcp = api.mcp;
  if (mcp === undefined) return null;
  const tools = new Map<string, CompiledTool>();
  for (const tool of mcp.tools) {
    const pathParts = splitTemplate(tool.path);
    // A placeholder no literal route segment can equal ("{" is not a route path character).
    const probe = pathParts.map((part, i) => (i % 2 === 1 ? '{}' : part)).join('');
    const route = matchRoute(routes, tool.method, probe);
    if (route === null) continue;
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(tool.inputSchema);
    } catch (error) {
      throw new Error(
        `API ${api.name}: MCP tool ${tool.name} has an input schema that cannot be compiled (${(error as Error).message})`,
      );
    }
    const listEntry: Record<string, unknown> = {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: tool.inputSchema,
      ...(tool.outputSchema === undefined ? {} : { outputSchema: tool.outputSchema }),
      annotations: {
        readOnlyHint: tool.method === 'GET' || tool.method === 'HEAD',
        idempotentHint: tool.method !== 'POST' && tool.method !== 'PATCH',
      },
    };
    tools.set(tool.name, {
      tool,
      routeId: route.id === '' ? null : route.id,
      validate,
      pathParts,
      queryParams: tool.params.filter((p) => p.in === 'query').map((p) => p.name),
      headerParams: tool.params.filter((p) => p.in === 'header').map((p) => p.name),
      listEntry,
    });
  }
  return {
    endpointPath: mcpEndpointPath(api.basePath, mcp.path),
    tools,
    toolList: [...tools.values()],
    listCache: new Map(),
    upstream:
      mcp.upstream === undefined
        ? null
        : {
            path: mcp.upstream.path,
            include: mcp.upstream.include.length > 0 ? new Set(mcp.upstream.include) : null,
            exclude: new Set(mcp.upstream.exclude),
          },
  };
}
