import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZListAuditInput = z
  .object({
    /** The id of the last entry of the previous page. */
    cursor: ZId.optional(),
    limit: z.number().int().min(1).max(200).default(50),
    actorId: ZId.optional(),
    action: z.string().max(100).optional(),
    targetType: z.string().max(100).optional(),
    targetId: ZId.optional(),
  })
  .default({ limit: 50 });
