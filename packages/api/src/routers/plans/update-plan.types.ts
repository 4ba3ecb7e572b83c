import { ZName, ZQuota, ZRateLimit, ZRedisFailurePolicy } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZUpdatePlanInput = z.object({
  id: ZId,
  name: ZName.optional(),
  description: z.string().max(2000).nullable().optional(),
  rateLimit: ZRateLimit.nullable().optional(),
  quota: ZQuota.nullable().optional(),
  public: z.boolean().optional(),
  approvalRequired: z.boolean().optional(),
  redisFailurePolicy: ZRedisFailurePolicy.optional(),
  /** Replaces the plan's API list. */
  apiIds: z.array(ZId).max(1000).optional(),
});
