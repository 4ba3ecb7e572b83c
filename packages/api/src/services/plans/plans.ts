import { type Quota, type RateLimit, ZQuota, ZRateLimit } from '@portico/config';
import { DbNull, type Plan, type Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { logSubscriptionChange } from '../../sync/credential-log';
import { badRequest, conflict, notFound, PorticoError } from '../shared/domain-errors';
import { parseNullableJsonColumn } from '../shared/json-column';
import { byName, type Page, type PageInput, pageOf, textSearch } from '../shared/paging';

export interface PlanView {
  id: string;
  name: string;
  description: string | null;
  rateLimit: RateLimit | null;
  quota: Quota | null;
  public: boolean;
  approvalRequired: boolean;
  redisFailurePolicy: 'open' | 'closed';
  apiIds: string[];
  /**
   * APIs the plan includes only in part: the names of the routes it includes. An API of
   * `apiIds` that is absent here is included whole.
   */
  routeScopes: Record<string, string[]>;
  createdAt: Date;
  updatedAt: Date;
}

type PlanRow = Plan & { apis: { apiId: string; routes: string[] }[] };
const PLAN_INCLUDE = {
  apis: { select: { apiId: true, routes: true }, orderBy: { apiId: 'asc' } },
} as const;

export function toPlanView(row: PlanRow): PlanView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    rateLimit: parseNullableJsonColumn(ZRateLimit, row.rateLimit, `plan ${row.name}: rateLimit`),
    quota: parseNullableJsonColumn(ZQuota, row.quota, `plan ${row.name}: quota`),
    public: row.public,
    approvalRequired: row.approvalRequired,
    redisFailurePolicy: row.redisFailurePolicy,
    apiIds: row.apis.map((a) => a.apiId),
    routeScopes: Object.fromEntries(
      row.apis.filter((a) => a.routes.length > 0).map((a) => [a.apiId, a.routes]),
    ),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listPlans(
  tx: Prisma.TransactionClient,
  onlyPublic: boolean,
): Promise<PlanView[]> {
  const rows = await tx.plan.findMany({
    where: onlyPublic ? { public: true } : undefined,
    orderBy: { name: 'asc' },
    include: PLAN_INCLUDE,
  });
  return rows.map(toPlanView);
}

/** One page of plans by name, those whose name or description holds `search`. */
export async function pagePlans(
  tx: Prisma.TransactionClient,
  input: PageInput & { search?: string | undefined },
): Promise<Page<PlanView>> {
  const where: Prisma.PlanWhereInput = { OR: textSearch(input.search, ['name', 'description']) };
  return pageOf(input, {
    find: (window) =>
      tx.plan.findMany({
        where,
        orderBy: byName(),
        include: PLAN_INCLUDE,
        ...window,
      }),
    count: () => tx.plan.count({ where }),
    view: toPlanView,
  });
}

export async function getPlan(tx: Prisma.TransactionClient, id: string): Promise<PlanView> {
  const row = await tx.plan.findUnique({ where: { id }, include: PLAN_INCLUDE });
  if (!row) throw notFound('plan', id);
  return toPlanView(row);
}

async function assertNameFree(
  tx: Prisma.TransactionClient,
  name: string,
  exceptId?: string,
): Promise<void> {
  const other = await tx.plan.findUnique({ where: { name }, select: { id: true } });
  if (other && other.id !== exceptId) throw conflict(`name: a plan named ${name} already exists`);
}

async function assertApisExist(
  tx: Prisma.TransactionClient,
  apiIds: readonly string[],
): Promise<void> {
  const found = new Set(
    (await tx.api.findMany({ where: { id: { in: [...apiIds] } }, select: { id: true } })).map(
      (a) => a.id,
    ),
  );
  const missing = apiIds.findIndex((id) => !found.has(id));
  if (missing !== -1) throw badRequest(`apiIds.${missing}: no API with id ${apiIds[missing]}`);
}

/**
 * Checks route scopes against the plan's APIs and their named routes, naming what is wrong, and
 * returns the join rows to write (an API without a scope is included whole).
 */
async function planApiRows(
  tx: Prisma.TransactionClient,
  apiIds: readonly string[],
  routeScopes: Readonly<Record<string, readonly string[]>>,
): Promise<{ apiId: string; routes: string[] }[]> {
  const scoped = Object.keys(routeScopes);
  const stray = scoped.find((apiId) => !apiIds.includes(apiId));
  if (stray !== undefined)
    throw badRequest(`routeScopes.${stray}: the plan does not include API ${stray}`);
  const routes = await tx.route.findMany({
    where: { apiId: { in: scoped } },
    select: { apiId: true, name: true },
  });
  for (const [apiId, names] of Object.entries(routeScopes)) {
    const known = new Set(routes.filter((r) => r.apiId === apiId).map((r) => r.name));
    const unknown = names.find((name) => !known.has(name));
    if (unknown !== undefined)
      throw badRequest(`routeScopes.${apiId}: the API has no route named ${unknown}`);
  }
  return apiIds.map((apiId) => ({ apiId, routes: [...new Set(routeScopes[apiId] ?? [])].sort() }));
}

function jsonOrNull(
  value: RateLimit | Quota | null | undefined,
): Prisma.InputJsonValue | typeof DbNull | undefined {
  if (value === undefined) return undefined;
  return value === null ? DbNull : (value as unknown as Prisma.InputJsonValue);
}

export interface PlanInput {
  name: string;
  description?: string | null | undefined;
  rateLimit?: RateLimit | null | undefined;
  quota?: Quota | null | undefined;
  public: boolean;
  approvalRequired: boolean;
  redisFailurePolicy: 'open' | 'closed';
  apiIds: string[];
  /** Route names by API id for APIs included only in part (see PlanView.routeScopes). */
  routeScopes?: Record<string, string[]> | undefined;
}

export async function createPlan(
  tx: Prisma.TransactionClient,
  input: PlanInput,
  now: Date,
): Promise<PlanView> {
  await assertNameFree(tx, input.name);
  const apiIds = [...new Set(input.apiIds)];
  await assertApisExist(tx, apiIds);
  const rows = await planApiRows(tx, apiIds, input.routeScopes ?? {});
  const id = newId('plan', now.getTime());
  await tx.plan.create({
    data: {
      id,
      name: input.name,
      description: input.description ?? null,
      rateLimit: jsonOrNull(input.rateLimit ?? null),
      quota: jsonOrNull(input.quota ?? null),
      public: input.public,
      approvalRequired: input.approvalRequired,
      redisFailurePolicy: input.redisFailurePolicy,
      apis: { create: rows },
    },
  });
  return getPlan(tx, id);
}

export type PlanPatch = { id: string } & Partial<PlanInput>;

export async function updatePlan(
  tx: Prisma.TransactionClient,
  patch: PlanPatch,
): Promise<{ before: PlanView; after: PlanView }> {
  const before = await getPlan(tx, patch.id);
  if (patch.name !== undefined) await assertNameFree(tx, patch.name, before.id);
  await tx.plan.update({
    where: { id: before.id },
    data: {
      name: patch.name,
      description: patch.description,
      rateLimit: jsonOrNull(patch.rateLimit),
      quota: jsonOrNull(patch.quota),
      public: patch.public,
      approvalRequired: patch.approvalRequired,
      redisFailurePolicy: patch.redisFailurePolicy,
    },
  });
  if (patch.apiIds !== undefined || patch.routeScopes !== undefined) {
    const apiIds = [...new Set(patch.apiIds ?? before.apiIds)];
    await assertApisExist(tx, apiIds);
    // Scopes of the APIs the plan keeps stay unless replaced: changing the API list must never
    // widen a plan from some routes to the whole API.
    const kept = Object.fromEntries(
      Object.entries(before.routeScopes).filter(([apiId]) => apiIds.includes(apiId)),
    );
    const rows = await planApiRows(tx, apiIds, patch.routeScopes ?? kept);
    await tx.planApi.deleteMany({ where: { planId: before.id } });
    await tx.planApi.createMany({ data: rows.map((row) => ({ planId: before.id, ...row })) });
  }
  return { before, after: await getPlan(tx, before.id) };
}

/** deletePlan's refusal, with the counts a caller may word its own message from. */
export class PlanInUseError extends PorticoError {
  constructor(
    readonly planName: string,
    readonly active: number,
    readonly pending: number,
  ) {
    super(
      'CTL_CONFLICT',
      `id: plan ${planName} has ${active + pending} active or pending subscription(s); cancel them before deleting the plan`,
    );
  }
}

/**
 * Refused while the plan has active or pending subscriptions (cancel or move them first).
 * Ended subscriptions (cancelled, rejected) go with the plan.
 */
export async function deletePlan(tx: Prisma.TransactionClient, id: string): Promise<PlanView> {
  const before = await getPlan(tx, id);
  const [active, pending] = await Promise.all([
    tx.subscription.count({ where: { planId: id, status: 'active' } }),
    tx.subscription.count({ where: { planId: id, status: 'pending' } }),
  ]);
  if (active + pending > 0) throw new PlanInUseError(before.name, active, pending);
  const ended = await tx.subscription.findMany({ where: { planId: id }, select: { id: true } });
  await tx.subscription.deleteMany({ where: { planId: id } });
  await tx.plan.delete({ where: { id } });
  for (const sub of ended) await logSubscriptionChange(tx, sub.id);
  return before;
}
