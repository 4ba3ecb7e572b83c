import { z } from 'zod';
import { checkWindow, ZUsageEntityFilterFields, ZUsageWindowFields } from './usage-filters.types';

export const ZTopConsumersInput = z
  .object({
    ...ZUsageWindowFields,
    // consumerId or keyId narrows the ranking to one consumer (the console's Consumer filter) or key.
    ...ZUsageEntityFilterFields,
    limit: z.number().int().min(1).max(100).default(10),
  })
  .superRefine(checkWindow);
