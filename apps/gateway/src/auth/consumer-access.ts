import type { CredentialConsumer } from '@portico/config';
import type { CompiledConfig, CompiledPlan } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';

export type AccessResult = { ok: true; plan: CompiledPlan } | { ok: false; detail: string };

/**
 * Whether a plan includes a route of an API: the API whole, or the route among those the plan
 * is scoped to. `routeId` null asks whether the plan includes any part of the API (the MCP
 * endpoint, and APIs without routes, which a plan can only include whole).
 */
export function planIncludes(plan: CompiledPlan, apiId: string, routeId: string | null): boolean {
  if (!plan.apiIds.has(apiId)) return false;
  if (routeId === null) return true;
  const scope = plan.routeIds.get(apiId);
  return scope === undefined || scope.has(routeId);
}

/**
 * An active consumer with an active subscription to a plan that includes `routeId` of `apiId`
 * (see `planIncludes`); the first such plan decides the limits.
 */
export function resolveAccess(
  consumer: CredentialConsumer,
  apiId: string,
  routeId: string | null,
  config: CompiledConfig,
  credentials: CredentialTable,
): AccessResult {
  if (consumer.status !== 'active')
    return { ok: false, detail: `consumer ${consumer.name} is suspended` };
  const planIds = credentials.planIdsByConsumer.get(consumer.id);
  if (planIds) {
    for (const planId of planIds) {
      const plan = config.plans.get(planId);
      if (plan !== undefined && planIncludes(plan, apiId, routeId)) return { ok: true, plan };
    }
  }
  return {
    ok: false,
    detail:
      routeId === null
        ? `consumer ${consumer.name} has no active subscription to a plan that includes this API`
        : `consumer ${consumer.name} has no active subscription to a plan that includes this route of the API`,
  };
}
