import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZListSubscriptionsInput = z
  .object({
    consumerId: ZId.optional(),
    status: z.enum(['pending', 'active', 'rejected', 'cancelled']).optional(),
  })
  .default({});
