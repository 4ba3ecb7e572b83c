import {
  canonicalJson,
  type DeclarativeConfig,
  ZDeclarativeApi,
  ZDeclarativeConsumer,
  ZDeclarativePlan,
  ZDeclarativeRegistry,
  ZDeclarativeService,
  ZDiscoveryRef,
  ZServiceSettings,
} from '@portico/config';
import type { CredentialKind, Prisma } from '@portico/db';
import type { z } from 'zod';
import { credentialViewOf } from './declarative-credential-view';

/**
 * The draft (and operator-made consumers) in the shape of the declarative file. `dump` prints it
 * and `apply` compares against it, so what dump writes is by construction what apply finds equal.
 */
export type DeclarativeRegistryView = Omit<z.output<typeof ZDeclarativeRegistry>, 'credentials'>;
export type DeclarativeServiceView = z.output<typeof ZDeclarativeService>;
export type DeclarativeApiView = z.output<typeof ZDeclarativeApi>;
export type DeclarativePlanView = z.output<typeof ZDeclarativePlan>;
export type DeclarativeConsumerView = z.output<typeof ZDeclarativeConsumer>;

export interface Current<T> {
  id: string;
  view: T;
}

export interface DeclarativeState {
  registries: Map<string, Current<DeclarativeRegistryView> & { credentialsSealed: string | null }>;
  services: Map<string, Current<DeclarativeServiceView>>;
  apis: Map<
    string,
    Current<DeclarativeApiView> & { routesKey: string; openApiDocument: string | null }
  >;
  plans: Map<string, Current<DeclarativePlanView>>;
  /** Every consumer by name; `operatorOwned` ones are the only ones apply may delete. */
  consumers: Map<
    string,
    Current<DeclarativeConsumerView> & {
      operatorOwned: boolean;
      /** Its live credentials, of every kind (the file may list some kinds only). */
      credentials: StoredCredential[];
    }
  >;
}

/** A live consumer credential as apply compares it. */
export interface StoredCredential {
  id: string;
  kind: CredentialKind;
  name: string;
  identifier: string;
  secretHash: string | null;
  secretSealed: string | null;
  publicKey: string | null;
  matchBy: string | null;
}

const ZStoredDiscovery = ZDiscoveryRef.omit({ registry: true });

function asObject(value: Prisma.JsonValue | null): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function optionalText(value: string | null): { description?: string } {
  return value === null ? {} : { description: value };
}

/**
 * Parses a view through the file schema so defaults are filled in exactly as they would be for a
 * file; when stored data no longer fits the schema the raw view is kept (dump must still work).
 */
function normalised<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : (raw as z.output<S>);
}

/** Canonical form of a view, for "did anything change" comparisons. */
export function viewKey(view: unknown): string {
  return canonicalJson(view);
}

export function routesKey(routes: DeclarativeApiView['routes']): string {
  return canonicalJson(routes);
}

export async function loadDeclarativeState(
  tx: Prisma.TransactionClient,
): Promise<DeclarativeState> {
  const [registries, services, apis, plans, consumers] = await Promise.all([
    tx.registryConnection.findMany({ orderBy: { name: 'asc' } }),
    tx.service.findMany({
      orderBy: { name: 'asc' },
      include: { registry: { select: { name: true } } },
    }),
    tx.api.findMany({
      orderBy: { name: 'asc' },
      include: { routes: { orderBy: { position: 'asc' } }, service: { select: { name: true } } },
    }),
    tx.plan.findMany({
      orderBy: { name: 'asc' },
      include: { apis: { select: { routes: true, api: { select: { name: true } } } } },
    }),
    tx.consumer.findMany({
      orderBy: { name: 'asc' },
      include: {
        subscriptions: {
          where: { status: 'active' },
          select: { plan: { select: { name: true } } },
        },
        credentials: {
          where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
          select: {
            id: true,
            kind: true,
            name: true,
            identifier: true,
            secretHash: true,
            secretSealed: true,
            publicKey: true,
            matchBy: true,
          },
          orderBy: [{ kind: 'asc' }, { identifier: 'asc' }],
        },
      },
    }),
  ]);

  const state: DeclarativeState = {
    registries: new Map(),
    services: new Map(),
    apis: new Map(),
    plans: new Map(),
    consumers: new Map(),
  };

  for (const r of registries) {
    const view = normalised(ZDeclarativeRegistry.omit({ credentials: true }), {
      name: r.name,
      type: r.type,
      address: r.address,
      options: asObject(r.options),
    });
    state.registries.set(r.name, { id: r.id, view, credentialsSealed: r.credentialsSealed });
  }

  for (const s of services) {
    const settings = normalised(ZServiceSettings, asObject(s.settings));
    const stored = s.discovery === null ? null : ZStoredDiscovery.safeParse(s.discovery);
    const discovery =
      s.registry && stored?.success
        ? { discovery: { registry: s.registry.name, ...stored.data } }
        : {};
    const view = normalised(ZDeclarativeService, {
      name: s.name,
      ...optionalText(s.description),
      ...settings,
      targets: Array.isArray(s.targets) ? s.targets : [],
      ...discovery,
    });
    state.services.set(s.name, { id: s.id, view });
  }

  for (const a of apis) {
    const view = normalised(ZDeclarativeApi, {
      name: a.name,
      ...optionalText(a.description),
      version: a.version,
      basePath: a.basePath,
      hosts: a.hosts,
      service: a.service.name,
      stripBasePath: a.stripBasePath,
      visibility: a.visibility,
      auth: a.auth,
      routes: a.routes.map((r) => ({
        ...(r.name === null ? {} : { name: r.name }),
        methods: r.methods,
        path: r.path,
        ...(r.aggregate === null ? {} : { aggregate: r.aggregate }),
      })),
      plugins: asObject(a.policies),
      ...(a.mcp === null ? {} : { mcp: a.mcp }),
      tags: a.tags,
    });
    state.apis.set(a.name, {
      id: a.id,
      view,
      routesKey: routesKey(view.routes),
      openApiDocument: a.openApiDocument,
    });
  }

  for (const p of plans) {
    const view = normalised(ZDeclarativePlan, {
      name: p.name,
      ...optionalText(p.description),
      apis: p.apis
        .map((link) =>
          link.routes.length === 0
            ? link.api.name
            : { api: link.api.name, routes: [...link.routes].sort() },
        )
        .sort((x, y) => {
          const [a, b] = [typeof x === 'string' ? x : x.api, typeof y === 'string' ? y : y.api];
          return a < b ? -1 : a > b ? 1 : 0;
        }),
      ...(p.rateLimit === null ? {} : { rateLimit: p.rateLimit }),
      ...(p.quota === null ? {} : { quota: p.quota }),
      public: p.public,
      approval: p.approvalRequired,
      redisFailurePolicy: p.redisFailurePolicy,
    });
    state.plans.set(p.name, { id: p.id, view });
  }

  for (const c of consumers) {
    const view = normalised(ZDeclarativeConsumer, {
      name: c.name,
      ...optionalText(c.description),
      status: c.status,
      plans: c.subscriptions.map((s) => s.plan.name).sort(),
      ...credentialsView(c.credentials),
    });
    state.consumers.set(c.name, {
      id: c.id,
      view,
      operatorOwned: c.ownerId === null,
      credentials: c.credentials,
    });
  }
  return state;
}

/**
 * The declarative document for the current draft: every field explicit (defaults written out),
 * no secrets (registry credentials are write-only) and no keys. Consumers owned by portal
 * developers are left out: they are not operator config, and apply never deletes them.
 */
export async function dumpDeclarative(tx: Prisma.TransactionClient): Promise<DeclarativeConfig> {
  const state = await loadDeclarativeState(tx);
  return {
    registries: [...state.registries.values()].map((r) => r.view),
    services: [...state.services.values()].map((s) => s.view),
    apis: [...state.apis.values()].map((a) => a.view),
    plans: [...state.plans.values()].map((p) => p.view),
    consumers: [...state.consumers.values()].filter((c) => c.operatorOwned).map((c) => c.view),
  };
}

/** `credentials` for a consumer's view when it has any the file can express; else absent. */
function credentialsView(rows: readonly StoredCredential[]) {
  const views = rows.flatMap((row) => {
    const view = credentialViewOf(row);
    return view === null ? [] : [view];
  });
  return views.length === 0 ? {} : { credentials: views };
}
