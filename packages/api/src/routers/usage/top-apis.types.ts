import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';
import { ZUsageWindowInput } from './usage-filters.types';

export const ZTopApisInput = ZUsageWindowInput.safeExtend({
  consumerId: ZId.optional(),
  limit: z.number().int().min(1).max(100).default(10),
});
