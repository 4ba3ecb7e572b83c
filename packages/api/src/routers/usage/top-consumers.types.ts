import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';
import { checkWindow, ZUsageWindowFields } from './usage-filters.types';

export const ZTopConsumersInput = z
  .object({
    ...ZUsageWindowFields,
    apiId: ZId.optional(),
    routeId: ZId.optional(),
    /** Narrows the ranking to one consumer (the console's Consumer filter) or one key. */
    consumerId: ZId.optional(),
    keyId: ZId.optional(),
    limit: z.number().int().min(1).max(100).default(10),
  })
  .superRefine(checkWindow);
