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
  /**
   * Route names by API id, for APIs the plan includes only in part (absent: whole API).
   * On update it replaces all scopes; omitted, the scopes of APIs the plan keeps stay.
   */
  routeScopes: z.record(ZId, z.array(z.string().min(1).max(100)).min(1).max(2000)).optional(),
});
