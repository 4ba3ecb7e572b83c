import {
  canonicalJson,
  type DeclarativeConfig,
  type DeclarativePlanApi,
  planApiName,
  planApiRoutes,
} from '@portico/config';
import { DbNull, type Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { TRPCError } from '@trpc/server';
import { openSealed, sealSecret } from '../../crypto/seal';
import { logConsumerChange, logSubscriptionChange } from '../../sync/credential-log';
import type { AppliedChange, ApplyContext } from './declarative-apply';
import {
  type DeclarativeApiView,
  type DeclarativePlanView,
  type DeclarativeServiceView,
  type DeclarativeState,
  loadDeclarativeState,
  routesKey,
  viewKey,
} from './declarative-state';

/** Everything one reconcile run shares: the transaction, what is stored, and what it changed. */
interface Run {
  tx: Prisma.TransactionClient;
  ctx: ApplyContext;
  doc: DeclarativeConfig;
  state: DeclarativeState;
  changes: AppliedChange[];
  /** Consumers whose subscriptions or fields changed (reported once as an update). */
  consumerChanged: Set<string>;
  /**
   * `consumer:<id>` / `subscription:<id>` to write to the credential log at the end, in first-seen
   * order. Logging last keeps the log's lock (which orders all credential writers) for the
   * shortest time, and each entity is logged once, in its final state.
   */
  credentialLog: Set<string>;
  now: Date;
  ids: {
    registries: Map<string, string>;
    services: Map<string, string>;
    apis: Map<string, string>;
    plans: Map<string, string>;
  };
}

/**
 * Makes the draft equal to `doc` by name, in an order that never breaks a foreign key: what
 * depends on others goes first when deleting and last when creating. Returns what it changed.
 */
export async function reconcile(
  tx: Prisma.TransactionClient,
  ctx: ApplyContext,
  doc: DeclarativeConfig,
): Promise<AppliedChange[]> {
  const run: Run = {
    tx,
    ctx,
    doc,
    state: await loadDeclarativeState(tx),
    changes: [],
    consumerChanged: new Set(),
    credentialLog: new Set(),
    now: new Date(),
    ids: { registries: new Map(), services: new Map(), apis: new Map(), plans: new Map() },
  };
  await deleteUnlistedConsumers(run);
  await cancelUnlistedSubscriptions(run);
  await deleteUnlistedPlans(run);
  await deleteUnlistedApis(run);
  await upsertRegistries(run);
  await upsertServices(run);
  await upsertApis(run);
  await deleteUnlistedServicesAndRegistries(run);
  await upsertPlans(run);
  await upsertConsumers(run);
  for (const entry of run.credentialLog) {
    const [kind, id = ''] = entry.split(':', 2);
    if (kind === 'consumer') await logConsumerChange(tx, id);
    else await logSubscriptionChange(tx, id);
  }
  return run.changes;
}

const sortedNames = (names: readonly string[]) => [...new Set(names)].sort();

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

/** The document text stored for an `openapi` entry: text as given, an inline object as JSON. */
function openApiText(openapi: DeclarativeApiView['openapi']): string | undefined {
  if (openapi === undefined) return undefined;
  return typeof openapi === 'string' ? openapi : JSON.stringify(openapi);
}

function jsonOrDbNull(value: unknown): Prisma.InputJsonValue | typeof DbNull {
  return value === undefined || value === null ? DbNull : (value as Prisma.InputJsonValue);
}

function mustGet<T>(map: Map<string, T>, name: string, what: string): T {
  const value = map.get(name);
  // The document schema already checked every reference and this run filled the maps, so this
  // only fires on a bug; it must still fail the transaction rather than write a dangling link.
  if (value === undefined) {
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: `${what} ${name} was not reconciled`,
    });
  }
  return value;
}

function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.length > 0 ? slug : 'api';
}

async function freeSlug(tx: Prisma.TransactionClient, name: string): Promise<string> {
  const base = slugOf(name);
  // Bounded: names are unique, so only hand-made slugs can collide, and never 100 times.
  for (let attempt = 1; attempt <= 100; attempt++) {
    const candidate = attempt === 1 ? base : `${base}-${attempt}`;
    const taken = await tx.api.findUnique({ where: { slug: candidate }, select: { id: true } });
    if (!taken) return candidate;
  }
  throw new TRPCError({ code: 'CONFLICT', message: `apis: no free slug for API ${name}` });
}

/** The registry is stored as a relation (registryId), so the JSON keeps only what is looked up in it. */
function withoutRegistryName(discovery: NonNullable<DeclarativeServiceView['discovery']>) {
  const { registry: _name, ...within } = discovery;
  return within;
}

function serviceData(s: DeclarativeServiceView, registryId: string | null) {
  const { name, description, targets, discovery, ...settings } = s;
  return {
    name,
    description: description ?? null,
    targets: targets as Prisma.InputJsonValue,
    registryId,
    discovery: jsonOrDbNull(discovery ? withoutRegistryName(discovery) : null),
    settings: settings as Prisma.InputJsonValue,
  };
}

function apiData(a: DeclarativeApiView, serviceId: string) {
  return {
    name: a.name,
    description: a.description ?? null,
    version: a.version,
    basePath: a.basePath,
    hosts: a.hosts,
    serviceId,
    stripBasePath: a.stripBasePath,
    visibility: a.visibility,
    auth: a.auth as Prisma.InputJsonValue,
    policies: a.plugins as Prisma.InputJsonValue,
    mcp: jsonOrDbNull(a.mcp),
    // Absent keeps the stored document (one imported in the console, say).
    ...(a.openapi === undefined ? {} : { openApiDocument: openApiText(a.openapi) }),
  };
}

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

/** Consumers made by operators that the file no longer lists go (their keys with them). */
async function deleteUnlistedConsumers({
  tx,
  doc,
  state,
  changes,
  credentialLog,
}: Run): Promise<void> {
  const listed = new Set(doc.consumers.map((c) => c.name));
  for (const [name, current] of state.consumers) {
    if (listed.has(name) || !current.operatorOwned) continue;
    await tx.consumer.delete({ where: { id: current.id } });
    credentialLog.add(`consumer:${current.id}`);
    changes.push({ kind: 'consumer', name, action: 'delete' });
  }
}

/** Listed consumers drop subscriptions to plans they no longer list, before plans may go. */
async function cancelUnlistedSubscriptions({
  tx,
  ctx,
  doc,
  state,
  now,
  consumerChanged,
  credentialLog,
}: Run): Promise<void> {
  for (const c of doc.consumers) {
    const current = state.consumers.get(c.name);
    if (!current) continue;
    const stale = await tx.subscription.findMany({
      where: { consumerId: current.id, status: 'active', plan: { name: { notIn: c.plans } } },
      select: { id: true },
    });
    for (const sub of stale) {
      await tx.subscription.update({
        where: { id: sub.id },
        data: { status: 'cancelled', decidedBy: ctx.actor?.userId ?? null, decidedAt: now },
      });
      credentialLog.add(`subscription:${sub.id}`);
      consumerChanged.add(c.name);
    }
  }
}

/** Plans not in the file go, unless someone still holds an active subscription to them. */
async function deleteUnlistedPlans({ tx, doc, state, changes }: Run): Promise<void> {
  const listed = new Set(doc.plans.map((p) => p.name));
  for (const [name, current] of state.plans) {
    if (listed.has(name)) continue;
    const active = await tx.subscription.count({ where: { planId: current.id, status: 'active' } });
    if (active > 0) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: `plans: plan ${name} has ${active} active subscription(s); cancel them or keep the plan in the file`,
      });
    }
    await tx.subscription.deleteMany({ where: { planId: current.id } });
    await tx.plan.delete({ where: { id: current.id } });
    changes.push({ kind: 'plan', name, action: 'delete' });
  }
}

/** APIs not in the file go (routes and plan links cascade). */
async function deleteUnlistedApis({ tx, doc, state, changes }: Run): Promise<void> {
  const listed = new Set(doc.apis.map((a) => a.name));
  for (const [name, current] of state.apis) {
    if (listed.has(name)) continue;
    await tx.api.delete({ where: { id: current.id } });
    changes.push({ kind: 'api', name, action: 'delete' });
  }
}

async function upsertRegistries({ tx, ctx, doc, state, changes, ids }: Run): Promise<void> {
  for (const r of doc.registries) {
    const current = state.registries.get(r.name);
    const { credentials, ...view } = r;
    // Credentials are write-only: absent keeps what is stored, present replaces it when different.
    const sealed =
      credentials === undefined
        ? undefined
        : sealedIfChanged(ctx.secretKey, current?.credentialsSealed ?? null, credentials);
    const data = {
      name: r.name,
      type: r.type,
      address: r.address,
      options: r.options as Prisma.InputJsonValue,
      ...(sealed === undefined ? {} : { credentialsSealed: sealed }),
    };
    if (!current) {
      const id = newId('registry');
      await tx.registryConnection.create({ data: { id, ...data } });
      ids.registries.set(r.name, id);
      changes.push({ kind: 'registry', name: r.name, action: 'create' });
      continue;
    }
    ids.registries.set(r.name, current.id);
    if (viewKey(view) !== viewKey(current.view) || sealed !== undefined) {
      await tx.registryConnection.update({ where: { id: current.id }, data });
      changes.push({ kind: 'registry', name: r.name, action: 'update' });
    }
  }
}

async function upsertServices({ tx, doc, state, changes, ids }: Run): Promise<void> {
  for (const s of doc.services) {
    const current = state.services.get(s.name);
    const registryId = s.discovery
      ? mustGet(ids.registries, s.discovery.registry, 'registry')
      : null;
    const data = serviceData(s, registryId);
    if (!current) {
      const id = newId('service');
      await tx.service.create({ data: { id, ...data } });
      ids.services.set(s.name, id);
      changes.push({ kind: 'service', name: s.name, action: 'create' });
      continue;
    }
    ids.services.set(s.name, current.id);
    if (viewKey(s) !== viewKey(current.view)) {
      await tx.service.update({ where: { id: current.id }, data });
      changes.push({ kind: 'service', name: s.name, action: 'update' });
    }
  }
}

async function upsertApis({ tx, doc, state, changes, ids }: Run): Promise<void> {
  for (const a of doc.apis) {
    const current = state.apis.get(a.name);
    const data = apiData(a, mustGet(ids.services, a.service, 'service'));
    let apiId: string;
    if (!current) {
      apiId = newId('api');
      await tx.api.create({ data: { id: apiId, slug: await freeSlug(tx, a.name), ...data } });
      changes.push({ kind: 'api', name: a.name, action: 'create' });
    } else {
      apiId = current.id;
      const { openapi, ...view } = a;
      const documentChanged =
        openapi !== undefined && openApiText(openapi) !== current.openApiDocument;
      if (viewKey(view) !== viewKey(current.view) || documentChanged) {
        await tx.api.update({ where: { id: apiId }, data });
        changes.push({ kind: 'api', name: a.name, action: 'update' });
      }
    }
    ids.apis.set(a.name, apiId);
    if (current && routesKey(a.routes) === current.routesKey) continue;
    // Routes have no names of their own to match on, so a changed list is replaced whole.
    await tx.route.deleteMany({ where: { apiId } });
    await tx.route.createMany({
      data: a.routes.map((route, position) => ({
        id: newId('route'),
        apiId,
        name: route.name ?? null,
        methods: route.methods,
        path: route.path,
        ...(route.aggregate === undefined
          ? {}
          : { aggregate: route.aggregate as unknown as Prisma.InputJsonValue }),
        position,
      })),
    });
  }
}

/** Services, then registries, that nothing in the file uses any more go. */
async function deleteUnlistedServicesAndRegistries({
  tx,
  doc,
  state,
  changes,
}: Run): Promise<void> {
  const services = new Set(doc.services.map((s) => s.name));
  for (const [name, current] of state.services) {
    if (services.has(name)) continue;
    await tx.service.delete({ where: { id: current.id } });
    changes.push({ kind: 'service', name, action: 'delete' });
  }
  const registries = new Set(doc.registries.map((r) => r.name));
  for (const [name, current] of state.registries) {
    if (registries.has(name)) continue;
    await tx.registryConnection.delete({ where: { id: current.id } });
    changes.push({ kind: 'registry', name, action: 'delete' });
  }
}

async function upsertPlans({ tx, doc, state, changes, ids }: Run): Promise<void> {
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

/** Consumers are created or updated, with active subscriptions to the plans they list. */
async function upsertConsumers({
  tx,
  ctx,
  doc,
  state,
  changes,
  ids,
  now,
  consumerChanged,
  credentialLog,
}: Run): Promise<void> {
  for (const c of doc.consumers) {
    const current = state.consumers.get(c.name);
    let consumerId: string;
    if (!current) {
      consumerId = newId('consumer');
      await tx.consumer.create({
        data: {
          id: consumerId,
          name: c.name,
          description: c.description ?? null,
          status: c.status,
        },
      });
      credentialLog.add(`consumer:${consumerId}`);
    } else {
      consumerId = current.id;
      const { plans: _wanted, ...fields } = c;
      const { plans: _had, ...currentFields } = current.view;
      if (viewKey(fields) !== viewKey(currentFields)) {
        await tx.consumer.update({
          where: { id: consumerId },
          data: { description: c.description ?? null, status: c.status },
        });
        credentialLog.add(`consumer:${consumerId}`);
        consumerChanged.add(c.name);
      }
    }
    const had = new Set(current?.view.plans ?? []);
    for (const planName of sortedNames(c.plans)) {
      if (had.has(planName)) continue;
      const planId = mustGet(ids.plans, planName, 'plan');
      const decided = {
        status: 'active' as const,
        decidedBy: ctx.actor?.userId ?? null,
        decidedAt: now,
      };
      const sub = await tx.subscription.upsert({
        where: { consumerId_planId: { consumerId, planId } },
        create: { id: newId('subscription'), consumerId, planId, ...decided },
        update: decided,
        select: { id: true },
      });
      credentialLog.add(`subscription:${sub.id}`);
      consumerChanged.add(c.name);
    }
    if (!current) changes.push({ kind: 'consumer', name: c.name, action: 'create' });
    else if (consumerChanged.has(c.name))
      changes.push({ kind: 'consumer', name: c.name, action: 'update' });
  }
}

/** The newly sealed credentials, or undefined when they equal what is stored (nothing to write). */
function sealedIfChanged(
  secretKey: Buffer,
  stored: string | null,
  credentials: Record<string, string>,
): string | undefined {
  if (stored !== null) {
    try {
      const current: unknown = JSON.parse(openSealed(secretKey, stored));
      if (canonicalJson(current) === canonicalJson(credentials)) return undefined;
    } catch {
      // Sealed under another key or unreadable: the file's value replaces it.
    }
  }
  return sealSecret(secretKey, JSON.stringify(credentials));
}
