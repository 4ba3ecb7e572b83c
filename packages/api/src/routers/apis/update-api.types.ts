import { ZApiFields } from '@portico/config';
import { ZId } from '../../services/shared/schemas';
import { ZSlug } from './create-api.types';

const API = ZApiFields.shape;

/** Every field optional: what is left out stays as it is. */
export const ZUpdateApiInput = ZApiFields.partial().extend({
  id: ZId,
  slug: ZSlug.optional(),
  description: API.description.nullable().optional(),
  serviceId: ZId.optional(),
  /** Replaces the whole route list, in this order. */
  routes: API.routes.optional(),
  /** MCP settings, replaced whole; null removes them. */
  mcp: API.mcp.nullable().optional(),
});
