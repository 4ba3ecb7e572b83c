import { z } from 'zod';
import { ZQuota, ZRateLimit, ZRedisFailurePolicy } from './api-settings';
import { ZName } from './service-settings';

/** The id of a stored entity (an API a plan includes, say), as the control plane hands it out. */
export const ZEntityId = z.string().min(1).max(100);

/** Route names a plan limits one API to; an API listed without them is included whole. */
export const ZPlanRouteNames = z
  .array(z.string().min(1).max(100))
  .min(1, 'list at least one route name')
  .max(2000);

/**
 * The fields of a plan that people and documents set, each with its one rule. The control
 * plane's create and update inputs, the declarative file (which names APIs instead of giving
 * ids), the snapshot and the console's plan form derive their shapes from it.
 */
export const ZPlanFields = z.object({
  name: ZName,
  description: z.string().max(2000),
  rateLimit: ZRateLimit,
  quota: ZQuota,
  public: z.boolean(),
  approvalRequired: z.boolean(),
  redisFailurePolicy: ZRedisFailurePolicy,
  /** The APIs the plan includes, by id. */
  apiIds: z.array(ZEntityId).max(1000),
  /** Route names by API id, for APIs the plan includes only in part (absent: whole API). */
  routeScopes: z.record(ZEntityId, ZPlanRouteNames),
});
export type PlanFields = z.infer<typeof ZPlanFields>;
