import {
  type Aggregate,
  type ApiFields,
  type McpSettings,
  mcpEndpointPath,
  ZAggregate,
  ZApiAuth,
  ZApiPolicies,
  ZMcpSettings,
} from '@portico/config';
import type { Api, Route } from '@portico/db';
import { parseJsonColumn, parseNullableJsonColumn } from '../shared/json-column';

export interface RouteView {
  id: string;
  name: string | null;
  methods: string[];
  path: string;
  /** Set on composite routes. */
  aggregate: Aggregate | null;
  position: number;
}

/** What an API's stored row and its callers' inputs share, as the API's base schema has it. */
export type ApiPlacement = Pick<
  ApiFields,
  'name' | 'version' | 'basePath' | 'hosts' | 'stripBasePath' | 'visibility' | 'auth' | 'policies'
> & { serviceId: string };

export interface ApiView extends ApiPlacement {
  id: string;
  slug: string;
  description: string | null;
  serviceName: string;
  routes: RouteView[];
  hasOpenApiDocument: boolean;
  /** The MCP settings as stored (null: never configured). */
  mcp: McpSettings | null;
  /** Where the gateway answers MCP for this API (`<basePath><mcp.path>`), null when MCP is off. */
  mcpEndpoint: string | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type ApiRow = Api & { routes: Route[]; service: { name: string } };

export const API_INCLUDE = {
  routes: { orderBy: { position: 'asc' } },
  service: { select: { name: true } },
} as const;

export function toApiView(row: ApiRow): ApiView {
  const mcp = row.mcp === null ? null : ZMcpSettings.safeParse(row.mcp);
  const settings = mcp?.success ? mcp.data : null;
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    version: row.version,
    basePath: row.basePath,
    hosts: row.hosts,
    stripBasePath: row.stripBasePath,
    visibility: row.visibility,
    serviceId: row.serviceId,
    serviceName: row.service.name,
    auth: parseJsonColumn(ZApiAuth, row.auth, `API ${row.name}: auth`),
    policies: parseJsonColumn(ZApiPolicies, row.policies, `API ${row.name}: policies`),
    routes: row.routes.map((r) => ({
      id: r.id,
      name: r.name,
      methods: r.methods,
      path: r.path,
      aggregate: parseNullableJsonColumn(
        ZAggregate,
        r.aggregate,
        `API ${row.name}: route ${r.name ?? r.path} aggregate`,
      ),
      position: r.position,
    })),
    hasOpenApiDocument: row.openApiDocument !== null,
    mcp: settings,
    mcpEndpoint: settings?.enabled ? mcpEndpointPath(row.basePath, settings.path) : null,
    tags: row.tags,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
