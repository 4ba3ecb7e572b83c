import { z } from 'zod';
import { checkWindow, ZUsageEntityFilterFields, ZUsageWindowFields } from './usage-filters.types';

export const ZUsageErrorsInput = z
  .object({
    ...ZUsageWindowFields,
    ...ZUsageEntityFilterFields,
  })
  .superRefine(checkWindow);
