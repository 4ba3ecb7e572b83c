import {
  canonicalJson,
  type DeclarativeConfig,
  formatIssues,
  ZDeclarativeConfig,
} from '@portico/config';
import { type Db, DbNull, type Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { TRPCError } from '@trpc/server';
import { parse as parseYaml } from 'yaml';
import { type AuditContext, recordAudit } from '../../audit/record-audit';
import { openSealed, sealSecret } from '../../crypto/seal';
import { logConsumerChange, logSubscriptionChange } from '../../sync/credential-log';
import { lockConfig } from './config-lock';
import {
  type DeclarativeApiView,
  type DeclarativePlanView,
  type DeclarativeServiceView,
  loadDeclarativeState,
  routesKey,
  viewKey,
} from './declarative-state';
import { loadDraftSnapshot } from './draft-snapshot';
import { CONFIG_TX_OPTIONS } from './publish';
import { latestVersionHeader, type PublishedVersion, writeVersion } from './write-version';

export type ChangeKind = 'registry' | 'service' | 'api' | 'plan' | 'consumer';
export interface AppliedChange {
  kind: ChangeKind;
  name: string;
  action: 'create' | 'update' | 'delete';
}

export interface ApplyResult {
  changes: AppliedChange[];
  published: PublishedVersion | null;
  /** True when the resulting draft differs from the latest published version (what a real run publishes). */
  wouldPublish: boolean;
  dryRun: boolean;
}

export interface ApplyContext extends AuditContext {
  secretKey: Buffer;
}

/** Thrown to roll a dry run back after computing its result. */
class DryRunRollback extends Error {
  constructor(readonly result: ApplyResult) {
    super('dry run');
  }
}

/** Reads the document (parsed object, or YAML/JSON text) into the file schema, or a BAD_REQUEST naming the field. */
export function parseDeclarativeDocument(document: unknown): DeclarativeConfig {
  let raw = document;
  if (typeof document === 'string') {
    try {
      raw = parseYaml(document) ?? {};
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `document: not valid YAML or JSON: ${reason}`,
      });
    }
  }
  const parsed = ZDeclarativeConfig.safeParse(raw);
  if (!parsed.success) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `document is not a valid Portico config: ${formatIssues(parsed.error).join('; ')}`,
    });
  }
  return parsed.data;
}

const sortedNames = (names: readonly string[]) => [...new Set(names)].sort();
const planKey = (p: DeclarativePlanView) => viewKey({ ...p, apis: sortedNames(p.apis) });

function jsonOrDbNull(value: unknown): Prisma.InputJsonValue | typeof DbNull {
  return value === undefined || value === null ? DbNull : (value as Prisma.InputJsonValue);
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
    if (!(await tx.api.findUnique({ where: { slug: candidate }, select: { id: true } })))
      return candidate;
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

function mustGet<T>(map: Map<string, T>, name: string, what: string): T {
  const value = map.get(name);
  // The document schema already checked every reference; reaching this means the draft changed
  // underneath us, which the config lock prevents for other applies but not for entity CRUD.
  if (value === undefined)
    throw new TRPCError({
      code: 'CONFLICT',
      message: `${what} ${name} disappeared during apply; retry`,
    });
  return value;
}

/**
 * Makes the draft equal to `doc` (create/update/delete by name, in dependency order) and publishes
 * when the result differs from the latest version, all in ONE transaction: any failure leaves the
 * database exactly as it was. The same document applied twice changes and publishes nothing.
 */
export async function applyDeclarative(
  db: Db,
  ctx: ApplyContext,
  input: { document: DeclarativeConfig; dryRun: boolean; message?: string | undefined },
): Promise<ApplyResult> {
  const doc = input.document;
  try {
    return await db.$transaction(async (tx) => {
      await lockConfig(tx);
      const changes = await reconcile(tx, ctx, doc);
      const draft = await loadDraftSnapshot(tx);
      if (!draft.ok) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `the document does not make a valid config, nothing was changed: ${draft.issues.join('; ')}`,
        });
      }
      const latest = await latestVersionHeader(tx);
      const wouldPublish = latest?.hash !== draft.hash;
      if (input.dryRun)
        throw new DryRunRollback({ changes, published: null, wouldPublish, dryRun: true });
      const published = wouldPublish
        ? await writeVersion(tx, ctx, {
            snapshot: draft.snapshot,
            hash: draft.hash,
            message: input.message ?? `apply: ${changes.length} change(s)`,
          })
        : null;
      if (changes.length > 0 || published) {
        await recordAudit(tx, ctx, {
          action: 'config.apply',
          targetType: 'config',
          targetId: null,
          after: { changes, published },
        });
      }
      return { changes, published, wouldPublish, dryRun: false };
    }, CONFIG_TX_OPTIONS);
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
}

async function reconcile(
  tx: Prisma.TransactionClient,
  ctx: ApplyContext,
  doc: DeclarativeConfig,
): Promise<AppliedChange[]> {
  const state = await loadDeclarativeState(tx);
  const changes: AppliedChange[] = [];
  const inDoc = {
    registries: new Set(doc.registries.map((r) => r.name)),
    services: new Set(doc.services.map((s) => s.name)),
    apis: new Set(doc.apis.map((a) => a.name)),
    plans: new Set(doc.plans.map((p) => p.name)),
    consumers: new Set(doc.consumers.map((c) => c.name)),
  };
  const now = new Date();
  const consumerChanged = new Set<string>();

  // 1. Consumers made by operators that the file no longer lists go (their keys with them).
  for (const [name, current] of state.consumers) {
    if (inDoc.consumers.has(name) || !current.operatorOwned) continue;
    await tx.consumer.delete({ where: { id: current.id } });
    await logConsumerChange(tx, current.id);
    changes.push({ kind: 'consumer', name, action: 'delete' });
  }

  // 2. Listed consumers drop subscriptions to plans they no longer list, before plans may go.
  for (const c of doc.consumers) {
    const current = state.consumers.get(c.name);
    if (!current) continue;
    const keep = new Set(c.plans);
    const stale = await tx.subscription.findMany({
      where: { consumerId: current.id, status: 'active', plan: { name: { notIn: [...keep] } } },
      select: { id: true },
    });
    for (const sub of stale) {
      await tx.subscription.update({
        where: { id: sub.id },
        data: { status: 'cancelled', decidedBy: ctx.actor?.userId ?? null, decidedAt: now },
      });
      await logSubscriptionChange(tx, sub.id);
      consumerChanged.add(c.name);
    }
  }

  // 3. Plans not in the file go, unless someone still holds an active subscription to them.
  for (const [name, current] of state.plans) {
    if (inDoc.plans.has(name)) continue;
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

  // 4. APIs not in the file go (routes and plan links cascade).
  for (const [name, current] of state.apis) {
    if (inDoc.apis.has(name)) continue;
    await tx.api.delete({ where: { id: current.id } });
    changes.push({ kind: 'api', name, action: 'delete' });
  }

  // 5. Registries, then services, then APIs are created or updated.
  const registryIds = new Map<string, string>();
  for (const r of doc.registries) {
    const current = state.registries.get(r.name);
    const { credentials, ...view } = r;
    const sealed =
      credentials === undefined
        ? undefined
        : await sealedIfChanged(ctx, current?.credentialsSealed ?? null, credentials);
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
      registryIds.set(r.name, id);
      changes.push({ kind: 'registry', name: r.name, action: 'create' });
    } else {
      registryIds.set(r.name, current.id);
      if (viewKey(view) !== viewKey(current.view) || sealed !== undefined) {
        await tx.registryConnection.update({ where: { id: current.id }, data });
        changes.push({ kind: 'registry', name: r.name, action: 'update' });
      }
    }
  }

  const serviceIds = new Map<string, string>();
  for (const s of doc.services) {
    const current = state.services.get(s.name);
    const registryId = s.discovery ? mustGet(registryIds, s.discovery.registry, 'registry') : null;
    const data = serviceData(s, registryId);
    if (!current) {
      const id = newId('service');
      await tx.service.create({ data: { id, ...data } });
      serviceIds.set(s.name, id);
      changes.push({ kind: 'service', name: s.name, action: 'create' });
    } else {
      serviceIds.set(s.name, current.id);
      if (viewKey(s) !== viewKey(current.view)) {
        await tx.service.update({ where: { id: current.id }, data });
        changes.push({ kind: 'service', name: s.name, action: 'update' });
      }
    }
  }

  const apiIds = new Map<string, string>();
  for (const a of doc.apis) {
    const current = state.apis.get(a.name);
    const data = apiData(a, mustGet(serviceIds, a.service, 'service'));
    let apiId: string;
    let writeRoutes: boolean;
    if (!current) {
      apiId = newId('api');
      await tx.api.create({ data: { id: apiId, slug: await freeSlug(tx, a.name), ...data } });
      writeRoutes = true;
      changes.push({ kind: 'api', name: a.name, action: 'create' });
    } else {
      apiId = current.id;
      writeRoutes = routesKey(a.routes) !== current.routesKey;
      if (viewKey(a) !== viewKey(current.view)) {
        await tx.api.update({ where: { id: apiId }, data });
        changes.push({ kind: 'api', name: a.name, action: 'update' });
      }
    }
    apiIds.set(a.name, apiId);
    if (writeRoutes) {
      // Routes have no names of their own to match on, so a changed list is replaced whole.
      await tx.route.deleteMany({ where: { apiId } });
      await tx.route.createMany({
        data: a.routes.map((route, position) => ({
          id: newId('route'),
          apiId,
          name: route.name ?? null,
          methods: route.methods,
          path: route.path,
          position,
        })),
      });
    }
  }

  // 6. Services, then registries, that nothing in the file uses any more go.
  for (const [name, current] of state.services) {
    if (inDoc.services.has(name)) continue;
    await tx.service.delete({ where: { id: current.id } });
    changes.push({ kind: 'service', name, action: 'delete' });
  }
  for (const [name, current] of state.registries) {
    if (inDoc.registries.has(name)) continue;
    await tx.registryConnection.delete({ where: { id: current.id } });
    changes.push({ kind: 'registry', name, action: 'delete' });
  }

  // 7. Plans are created or updated, with their API links.
  const planIds = new Map<string, string>();
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
    planIds.set(p.name, planId);
    if (
      !current ||
      canonicalJson(sortedNames(p.apis)) !== canonicalJson(sortedNames(current.view.apis))
    ) {
      await tx.planApi.deleteMany({ where: { planId } });
      await tx.planApi.createMany({
        data: sortedNames(p.apis).map((apiName) => ({
          planId,
          apiId: mustGet(apiIds, apiName, 'API'),
        })),
      });
    }
  }

  // 8. Consumers are created or updated, with active subscriptions to the plans they list.
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
      await logConsumerChange(tx, consumerId);
    } else {
      consumerId = current.id;
      const { plans: _wanted, ...fields } = c;
      const { plans: _had, ...currentFields } = current.view;
      if (viewKey(fields) !== viewKey(currentFields)) {
        await tx.consumer.update({
          where: { id: consumerId },
          data: { description: c.description ?? null, status: c.status },
        });
        await logConsumerChange(tx, consumerId);
        consumerChanged.add(c.name);
      }
    }
    const had = new Set(current?.view.plans ?? []);
    for (const planName of sortedNames(c.plans)) {
      if (had.has(planName)) continue;
      const planId = mustGet(planIds, planName, 'plan');
      const sub = await tx.subscription.upsert({
        where: { consumerId_planId: { consumerId, planId } },
        create: {
          id: newId('subscription'),
          consumerId,
          planId,
          status: 'active',
          decidedBy: ctx.actor?.userId ?? null,
          decidedAt: now,
        },
        update: { status: 'active', decidedBy: ctx.actor?.userId ?? null, decidedAt: now },
        select: { id: true },
      });
      await logSubscriptionChange(tx, sub.id);
      consumerChanged.add(c.name);
    }
    if (!current) changes.push({ kind: 'consumer', name: c.name, action: 'create' });
    else if (consumerChanged.has(c.name))
      changes.push({ kind: 'consumer', name: c.name, action: 'update' });
  }
  return changes;
}

/** The newly sealed credentials, or undefined when they equal what is stored (nothing to write). */
async function sealedIfChanged(
  ctx: ApplyContext,
  stored: string | null,
  credentials: Record<string, string>,
): Promise<string | undefined> {
  if (stored !== null) {
    try {
      if (
        canonicalJson(JSON.parse(openSealed(ctx.secretKey, stored))) === canonicalJson(credentials)
      )
        return undefined;
    } catch {
      // Sealed under another key or unreadable: the file's value replaces it.
    }
  }
  return sealSecret(ctx.secretKey, JSON.stringify(credentials));
}
