import { ZPlanFields } from '@portico/config';
import { ZId } from '../../services/shared/schemas';

const PLAN = ZPlanFields.shape;

/** Every field optional: what is left out stays as it is. */
export const ZUpdatePlanInput = ZPlanFields.partial().extend({
  id: ZId,
  description: PLAN.description.nullable().optional(),
  rateLimit: PLAN.rateLimit.nullable().optional(),
  quota: PLAN.quota.nullable().optional(),
  /** Replaces the plan's API list. */
  apiIds: PLAN.apiIds.optional(),
  /** Replaces all scopes; omitted, the scopes of APIs the plan keeps stay. */
  routeScopes: PLAN.routeScopes.optional(),
});
