import { ZPlanFields } from '@portico/config';

const PLAN = ZPlanFields.shape;

export const ZCreatePlanInput = ZPlanFields.extend({
  description: PLAN.description.optional(),
  rateLimit: PLAN.rateLimit.nullable().optional(),
  quota: PLAN.quota.nullable().optional(),
  public: PLAN.public.default(true),
  approvalRequired: PLAN.approvalRequired.default(false),
  redisFailurePolicy: PLAN.redisFailurePolicy.default('open'),
  apiIds: PLAN.apiIds.default([]),
  /** Absent: every API of `apiIds` is included whole. */
  routeScopes: PLAN.routeScopes.optional(),
});
