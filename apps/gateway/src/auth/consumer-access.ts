import type { CredentialConsumer } from '@portico/config';
import type { CompiledConfig, CompiledPlan } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';

export type AccessResult = { ok: true; plan: CompiledPlan } | { ok: false; detail: string };

/** An active consumer with an active subscription to a plan that includes `apiId`. */
export function resolveAccess(
  consumer: CredentialConsumer,
  apiId: string,
  config: CompiledConfig,
  credentials: CredentialTable,
): AccessResult {
  if (consumer.status !== 'active')
    return { ok: false, detail: `consumer ${consumer.name} is suspended` };
  const planIds = credentials.planIdsByConsumer.get(consumer.id);
  if (planIds) {
    for (const planId of planIds) {
      const plan = config.plans.get(planId);
      if (plan?.apiIds.has(apiId)) return { ok: true, plan };
    }
  }
  return {
    ok: false,
    detail: `consumer ${consumer.name} has no active subscription to a plan that includes this API`,
  };
}
