import { z } from 'zod';
import { checkWindow, ZUsageFilterFields, ZUsageWindowFields } from './usage-filters.types';

export const ZUsageSeriesInput = z
  .object({
    ...ZUsageWindowFields,
    granularity: z.enum(['minute', 'hour', 'day']),
    ...ZUsageFilterFields,
  })
  .superRefine(checkWindow);
