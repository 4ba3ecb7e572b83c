import { ZApiFields } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZSlug = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-"');

const API = ZApiFields.shape;

export const ZCreateApiInput = z.object({
  name: API.name,
  slug: ZSlug.optional(),
  description: API.description.optional(),
  version: API.version.default('v1'),
  basePath: API.basePath,
  hosts: API.hosts.default([]),
  stripBasePath: API.stripBasePath.default(true),
  visibility: API.visibility.default('public'),
  serviceId: ZId,
  auth: API.auth.default({ type: 'key' }),
  policies: API.policies.prefault({}),
  routes: API.routes.default([]),
  /** MCP needs the API's OpenAPI document: enable it once one is imported. */
  mcp: API.mcp.optional(),
});
