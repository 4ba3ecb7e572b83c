import { z } from 'zod';
import { ZApiAuth, ZApiHost, ZApiPolicies, ZBasePath, ZRoute } from './api-settings';
import { ZMcpSettings } from './mcp-settings';
import { ZName } from './service-settings';

/**
 * The fields of an API that people and documents set, each with its one rule. The control
 * plane's create and update inputs, the declarative file, the snapshot and the console's API form
 * derive their shapes from it (defaults, optionality, the service reference), so a field or rule
 * is written once.
 */
export const ZApiFields = z.object({
  name: ZName,
  description: z.string().max(5000),
  version: z.string().min(1, 'must not be empty').max(50),
  basePath: ZBasePath,
  hosts: z.array(ZApiHost).max(100),
  stripBasePath: z.boolean(),
  visibility: z.enum(['public', 'private']),
  auth: ZApiAuth,
  policies: ZApiPolicies,
  routes: z.array(ZRoute).max(2000),
  mcp: ZMcpSettings,
});
export type ApiFields = z.infer<typeof ZApiFields>;

const API = ZApiFields.shape;

/**
 * The fields as a new API gives them (a create input, an entry of the declarative file): what
 * may be left out is optional or takes its default here, once.
 */
export const ZNewApiFields = ZApiFields.extend({
  description: API.description.optional(),
  version: API.version.default('v1'),
  hosts: API.hosts.default([]),
  stripBasePath: API.stripBasePath.default(true),
  visibility: API.visibility.default('public'),
  auth: API.auth.default({ type: 'key' }),
  policies: API.policies.prefault({}),
  routes: API.routes.default([]),
  /** MCP needs the API's OpenAPI document: enable it once one is imported. */
  mcp: API.mcp.optional(),
});
