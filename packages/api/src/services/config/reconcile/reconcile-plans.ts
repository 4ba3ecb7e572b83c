import {
  canonicalJson,
  type DeclarativePlanApi,
  planApiName,
  planApiRoutes,
} from '@portico/config';
import { createPlan, deletePlan, PlanInUseError, updatePlan } from '../../plans/plans';
import { PorticoError } from '../../shared/domain-errors';
import { type DeclarativePlanView, viewKey } from '../declarative-state';
import { asFileEntity, mustGet, type Run, sortedNames } from './reconcile-run';

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

function planFields(p: DeclarativePlanView) {
  return {
    name: p.name,
    description: p.description ?? null,
    rateLimit: p.rateLimit ?? null,
    quota: p.quota ?? null,
    public: p.public,
    approvalRequired: p.approval,
    redisFailurePolicy: p.redisFailurePolicy,
  };
}

/** The plan's APIs as the plan service takes them: ids, and route names for partial ones. */
function planApis(run: Run, apis: readonly DeclarativePlanApi[]) {
  const apiIds: string[] = [];
  const routeScopes: Record<string, string[]> = {};
  for (const entry of apis) {
    const apiId = mustGet(run.ids.apis, planApiName(entry), 'API');
    apiIds.push(apiId);
    const routes = planApiRoutes(entry);
    if (routes.length > 0) routeScopes[apiId] = routes;
  }
  return { apiIds, routeScopes };
}

/** The file's wording of the plan service's refusal to delete a plan someone still uses. */
function inUseMessage(error: PlanInUseError): string {
  const counts = [
    ...(error.active > 0 ? [`${error.active} active`] : []),
    ...(error.pending > 0 ? [`${error.pending} pending`] : []),
  ].join(' and ');
  return `plans: plan ${error.planName} has ${counts} subscription(s); cancel them or keep the plan in the file`;
}

/** Plans not in the file go, unless someone still holds an active or pending subscription to them. */
export async function deleteUnlistedPlans({ tx, doc, state, changes }: Run): Promise<void> {
  const listed = new Set(doc.plans.map((p) => p.name));
  for (const [name, current] of state.plans) {
    if (listed.has(name)) continue;
    try {
      await asFileEntity(`plans.${name}`, () => deletePlan(tx, current.id));
    } catch (error) {
      if (error instanceof PorticoError && error.cause instanceof PlanInUseError)
        throw new PorticoError(error.code, inUseMessage(error.cause));
      throw error;
    }
    changes.push({ kind: 'plan', name, action: 'delete' });
  }
}

export async function upsertPlans(run: Run): Promise<void> {
  const { tx, doc, state, changes, ids, now } = run;
  for (const p of doc.plans) {
    const current = state.plans.get(p.name);
    const where = `plans.${p.name}`;
    const apis = sortedPlanApis(p.apis);
    if (!current) {
      const created = await asFileEntity(where, () =>
        createPlan(tx, { ...planFields(p), ...planApis(run, apis) }, now),
      );
      ids.plans.set(p.name, created.id);
      changes.push({ kind: 'plan', name: p.name, action: 'create' });
      continue;
    }
    ids.plans.set(p.name, current.id);
    if (planKey(p) === planKey(current.view)) continue;
    // The API list is rewritten only when it changed.
    const apisChanged = canonicalJson(apis) !== canonicalJson(sortedPlanApis(current.view.apis));
    await asFileEntity(where, () =>
      updatePlan(tx, {
        id: current.id,
        ...planFields(p),
        ...(apisChanged ? planApis(run, apis) : {}),
      }),
    );
    changes.push({ kind: 'plan', name: p.name, action: 'update' });
  }
}
