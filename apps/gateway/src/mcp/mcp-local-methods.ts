import {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import type { CredentialConsumer } from '@portico/config';
import { planIncludes } from '../auth/consumer-access';
import type { CompiledApi, CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import { type CompiledMcp, MAX_LIST_CACHE_ENTRIES } from './compiled-mcp';

/** MCP revisions the gateway speaks. */
export const SUPPORTED_VERSIONS: ReadonlySet<string> = new Set(SUPPORTED_PROTOCOL_VERSIONS);

/** The API's MCP endpoint as one request sees it: the API, its tools and the version in force. */
export interface McpEndpoint {
  readonly entry: CompiledApi;
  readonly mcp: CompiledMcp;
  readonly config: CompiledConfig;
  readonly credentials: CredentialTable;
}

/** The `initialize` result: the protocol revision agreed, the capabilities and the server's name. */
export function initializeResult(
  endpoint: McpEndpoint,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const requested = params.protocolVersion;
  const api = endpoint.entry.api;
  return {
    // The client's revision when the gateway speaks it, else the newest the gateway speaks.
    protocolVersion:
      typeof requested === 'string' && SUPPORTED_VERSIONS.has(requested)
        ? requested
        : LATEST_PROTOCOL_VERSION,
    capabilities: { tools: { listChanged: false } },
    serverInfo: { name: api.name, version: api.version },
  };
}

/** The tools the caller's plans include, serialised once per plan set and config version. */
export function toolListJson(endpoint: McpEndpoint, consumer: CredentialConsumer | null): string {
  const planIds =
    consumer === null ? null : endpoint.credentials.planIdsByConsumer.get(consumer.id);
  const cacheKey = consumer === null ? '*' : (planIds ?? []).join(',');
  const cache = endpoint.mcp.listCache;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const apiId = endpoint.entry.api.id;
  const plans = (planIds ?? []).flatMap((planId) => {
    const plan = endpoint.config.plans.get(planId);
    return plan === undefined ? [] : [plan];
  });
  const tools = endpoint.mcp.toolList
    .filter(
      (tool) => consumer === null || plans.some((plan) => planIncludes(plan, apiId, tool.routeId)),
    )
    .map((tool) => tool.listEntry);
  const json = JSON.stringify({ tools });
  if (cache.size < MAX_LIST_CACHE_ENTRIES) cache.set(cacheKey, json);
  return json;
}
