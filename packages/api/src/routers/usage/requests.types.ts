import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';
import { ZInstant } from './usage-filters.types';

export const ZRequestExplorerInput = z
  .object({
    from: ZInstant.optional(),
    to: ZInstant.optional(),
    apiId: ZId.optional(),
    routeId: ZId.optional(),
    consumerId: ZId.optional(),
    keyId: ZId.optional(),
    status: z.number().int().min(100).max(599).optional(),
    statusClass: z.number().int().min(1).max(5).optional(),
    errorCode: z.string().min(1).max(64).optional(),
    method: z
      .string()
      .min(1)
      .max(16)
      .transform((m) => m.toUpperCase())
      .optional(),
    /** MCP tool calls of this tool only. */
    tool: z.string().min(1).max(128).optional(),
    limit: z.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .default({ limit: 50 });
