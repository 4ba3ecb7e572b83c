import { z } from 'zod';
import { ZUsageEntityFilterFields, ZUsageWindowInput } from './usage-filters.types';

export const ZTopConsumersInput = ZUsageWindowInput.safeExtend({
  // consumerId or keyId narrows the ranking to one consumer (the console's Consumer filter) or key.
  ...ZUsageEntityFilterFields,
  limit: z.number().int().min(1).max(100).default(10),
});
