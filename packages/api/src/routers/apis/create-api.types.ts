import {
  ZApiAuth,
  ZApiHost,
  ZApiPolicies,
  ZBasePath,
  ZMcpSettings,
  ZName,
  ZRoute,
} from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZSlug = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-"');

export const ZCreateApiInput = z.object({
  name: ZName,
  slug: ZSlug.optional(),
  description: z.string().max(5000).optional(),
  version: z.string().min(1).max(50).default('v1'),
  basePath: ZBasePath,
  hosts: z.array(ZApiHost).max(100).default([]),
  stripBasePath: z.boolean().default(true),
  visibility: z.enum(['public', 'private']).default('public'),
  serviceId: ZId,
  auth: ZApiAuth.default({ type: 'key' }),
  policies: ZApiPolicies.prefault({}),
  routes: z.array(ZRoute).max(2000).default([]),
  /** MCP needs the API's OpenAPI document: enable it once one is imported. */
  mcp: ZMcpSettings.optional(),
});
