import { z } from 'zod';
import { ZApiAuth, ZApiHost, ZApiPolicies, ZBasePath, ZRoute } from './api-settings';
import { ZMcpSettings } from './mcp-settings';
import { ZName } from './service-settings';

/**
 * Short labels to group and find entities by, as Kong's tags: at most 20, each 1–64 lower-case
 * letters, digits, "_", "." or "-". A tag given twice is kept once, in its first place.
 */
export const ZTags = z
  .array(
    z
      .string()
      .min(1, 'a tag must not be empty')
      .max(64, 'a tag must be at most 64 characters')
      .regex(/^[a-z0-9_.-]*$/, 'a tag may use only lower-case letters, digits, "_", "." and "-"'),
  )
  .overwrite((tags) => [...new Set(tags)])
  .max(20, 'at most 20 tags');

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
  tags: ZTags,
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
  tags: API.tags.default([]),
});
