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
import { ZSlug } from './create-api.types';

export const ZUpdateApiInput = z.object({
  id: ZId,
  name: ZName.optional(),
  slug: ZSlug.optional(),
  description: z.string().max(5000).nullable().optional(),
  version: z.string().min(1).max(50).optional(),
  basePath: ZBasePath.optional(),
  hosts: z.array(ZApiHost).max(100).optional(),
  stripBasePath: z.boolean().optional(),
  visibility: z.enum(['public', 'private']).optional(),
  serviceId: ZId.optional(),
  auth: ZApiAuth.optional(),
  policies: ZApiPolicies.optional(),
  /** Replaces the whole route list, in this order. */
  routes: z.array(ZRoute).max(2000).optional(),
  /** MCP settings, replaced whole; null removes them. */
  mcp: ZMcpSettings.nullable().optional(),
});
