import {
  canonicalJson,
  type DeclarativePlanApi,
  planApiName,
  planApiRoutes,
} from '@portico/config';
import { newId } from '@portico/id';
import { PorticoError } from '../../shared/domain-errors';
import { type DeclarativePlanView, viewKey } from '../declarative-state';
import { jsonOrDbNull, mustGet, type Run, sortedNames } from './reconcile-run';

/** Plan entries in one order and form (route lists sorted), for comparisons. */
function sortedPlanApis(entries: readonly DeclarativePlanApi[]): DeclarativePlanApi[] {
  const byName = new Map<string, DeclarativePlanApi>();
  for (const entry of entries) {
    const routes = sortedNames(planApiRoutes(entry));
    byName.set(
      planApiName(entry),
      routes.length === 0 ? planApiName(entry) : { api: planApiName(entry), routes },
    );
  }
  return [...byName.keys()].sort().map((name) => byName.get(name) as DeclarativePlanApi);
}
const planKey = (p: DeclarativePlanView) => viewKey({ ...p, apis: sortedPlanApis(p.apis) });

function planData(p: DeclarativePlanView) {
  return {
    name: p.name,
    description: p.description ?? null,
    rateLimit: jsonOrDbNull(p.rateLimit),
    quota: jsonOrDbNull(p.quota),
    public: p.public,
    approvalRequired: p.approval,
    redisFailurePolicy: p.redisFailurePolicy,
  };
}

/** Plans not in the file go, unless someone still holds an active subscription to them. */
export async function deleteUnlistedPlans({ tx, doc, state, changes }: Run): Promise<void> {
  const listed = new Set(doc.plans.map((p) => p.name));
  for (const [name, current] of state.plans) {
    if (listed.has(name)) continue;
    const active = await tx.subscription.count({ where: { planId: current.id, status: 'active' } });
    if (active > 0) {
      throw new PorticoError(
        'CTL_CONFLICT',
        `plans: plan ${name} has ${active} active subscription(s); cancel them or keep the plan in the file`,
      );
    }
    await tx.subscription.deleteMany({ where: { planId: current.id } });
    await tx.plan.delete({ where: { id: current.id } });
    changes.push({ kind: 'plan', name, action: 'delete' });
  }
}

export async function upsertPlans({ tx, doc, state, changes, ids }: Run): Promise<void> {
  for (const p of doc.plans) {
    const current = state.plans.get(p.name);
    const data = planData(p);
    let planId: string;
    if (!current) {
      planId = newId('plan');
      await tx.plan.create({ data: { id: planId, ...data } });
      changes.push({ kind: 'plan', name: p.name, action: 'create' });
    } else {
      planId = current.id;
      if (planKey(p) !== planKey(current.view)) {
        await tx.plan.update({ where: { id: planId }, data });
        changes.push({ kind: 'plan', name: p.name, action: 'update' });
      }
    }
    ids.plans.set(p.name, planId);
    const apis = sortedPlanApis(p.apis);
    if (current && canonicalJson(apis) === canonicalJson(sortedPlanApis(current.view.apis)))
      continue;
    await tx.planApi.deleteMany({ where: { planId } });
    await tx.planApi.createMany({
      data: apis.map((entry) => ({
        planId,
        apiId: mustGet(ids.apis, planApiName(entry), 'API'),
        routes: planApiRoutes(entry),
      })),
    });
  }
}
