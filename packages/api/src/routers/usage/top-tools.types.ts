import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';
import { checkWindow, ZUsageWindowFields } from './usage-filters.types';

export const ZTopToolsInput = z
  .object({
    ...ZUsageWindowFields,
    apiId: ZId.optional(),
    consumerId: ZId.optional(),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .superRefine(checkWindow);
