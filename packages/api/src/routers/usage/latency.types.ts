import { z } from 'zod';
import { checkWindow, ZUsageFilterFields, ZUsageWindowFields } from './usage-filters.types';

export const ZUsageLatencyInput = z
  .object({ ...ZUsageWindowFields, ...ZUsageFilterFields })
  .superRefine(checkWindow);
