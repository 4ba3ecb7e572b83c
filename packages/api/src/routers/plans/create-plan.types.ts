import { ZName, ZQuota, ZRateLimit, ZRedisFailurePolicy } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZCreatePlanInput = z.object({
  name: ZName,
  description: z.string().max(2000).optional(),
  rateLimit: ZRateLimit.nullable().optional(),
  quota: ZQuota.nullable().optional(),
  public: z.boolean().default(true),
  approvalRequired: z.boolean().default(false),
  redisFailurePolicy: ZRedisFailurePolicy.default('open'),
  apiIds: z.array(ZId).max(1000).default([]),
  /**
   * Route names by API id, for APIs the plan includes only in part (absent: whole API).
   * On update it replaces all scopes; omitted, the scopes of APIs the plan keeps stay.
   */
  routeScopes: z.record(ZId, z.array(z.string().min(1).max(100)).min(1).max(2000)).optional(),
});
