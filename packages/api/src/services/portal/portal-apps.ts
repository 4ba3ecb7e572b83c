import type { Consumer, Prisma } from '@portico/db';
import { consumerNameTaken } from '../consumers/consumers';
import { type ApiKeyView, toApiKeyView } from '../keys/api-keys';
import { conflict, PorticoError, preconditionFailed } from '../shared/domain-errors';
import { byName, type Page, type PageInput, pageOf, textSearch } from '../shared/paging';

/**
 * The portal's words for the consumer services: a developer's consumer is an "app". These
 * checks run before the shared services so the errors name the portal's fields (`appId`,
 * `planId`); ownership is checked again inside the services.
 */

/** A developer's own app; another developer's id answers exactly like an unknown one. */
export async function loadOwnedApp(
  tx: Prisma.TransactionClient,
  ownerId: string,
  id: string,
  field = 'appId',
): Promise<Consumer> {
  const app = await tx.consumer.findUnique({ where: { id } });
  if (!app || app.ownerId !== ownerId)
    throw new PorticoError('CTL_NOT_FOUND', `${field}: no app with id ${id}`);
  return app;
}

/** Keys and subscriptions are not changed on a suspended app: say so instead of failing later. */
export function assertAppActive(app: Consumer): void {
  if (app.status !== 'active')
    throw preconditionFailed(
      `appId: app ${app.name} is suspended by the portal's operators; keys and subscriptions cannot change until it is reactivated`,
    );
}

/** A developer's own app that is active: what issuing a key or credential starts from. */
export async function loadActiveOwnedApp(
  tx: Prisma.TransactionClient,
  ownerId: string,
  id: string,
): Promise<Consumer> {
  const app = await loadOwnedApp(tx, ownerId, id);
  assertAppActive(app);
  return app;
}

/** App names are unique across the gateway (they name the consumer in logs and analytics). */
export async function assertAppNameFree(
  tx: Prisma.TransactionClient,
  name: string,
  exceptId?: string,
): Promise<void> {
  if (await consumerNameTaken(tx, name, exceptId))
    throw conflict(`name: the name ${name} is taken; choose another name for the app`);
}

/** A plan developers may subscribe to: listed (public). Unlisted plans answer like unknown ones. */
export async function loadListedPlan(tx: Prisma.TransactionClient, planId: string) {
  const plan = await tx.plan.findUnique({ where: { id: planId } });
  if (!plan?.public)
    throw new PorticoError(
      'CTL_NOT_FOUND',
      `planId: no listed plan with id ${planId}; choose one of the plans the portal lists`,
    );
  return plan;
}

export interface AppView {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'suspended';
  createdAt: Date;
  updatedAt: Date;
  subscriptions: {
    id: string;
    planId: string;
    planName: string;
    status: 'pending' | 'active' | 'rejected' | 'cancelled';
    createdAt: Date;
    decidedAt: Date | null;
  }[];
  keys: ApiKeyView[];
}

const APP_INCLUDE = {
  subscriptions: {
    orderBy: { createdAt: 'desc' },
    include: { plan: { select: { name: true } } },
  },
  keys: { orderBy: { createdAt: 'desc' } },
} as const satisfies Prisma.ConsumerInclude;

type AppRow = Prisma.ConsumerGetPayload<{ include: typeof APP_INCLUDE }>;

function toAppView(row: AppRow, now: Date): AppView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    subscriptions: row.subscriptions.map((s) => ({
      id: s.id,
      planId: s.planId,
      planName: s.plan.name,
      status: s.status,
      createdAt: s.createdAt,
      decidedAt: s.decidedAt,
    })),
    keys: row.keys.map((k) => toApiKeyView(k, now)),
  };
}

/** The developer's apps (all, or the one `appId`) with their subscriptions and keys. */
export async function listOwnedApps(
  tx: Prisma.TransactionClient,
  ownerId: string,
  now: Date,
  appId?: string,
): Promise<AppView[]> {
  const rows = await tx.consumer.findMany({
    where: { ownerId, ...(appId ? { id: appId } : {}) },
    orderBy: { name: 'asc' },
    include: APP_INCLUDE,
  });
  return rows.map((row) => toAppView(row, now));
}

/** One page of the developer's apps by name, those whose name holds `search`. */
export async function pageOwnedApps(
  tx: Prisma.TransactionClient,
  query: { ownerId: string; input: PageInput & { search?: string | undefined }; now: Date },
): Promise<Page<AppView>> {
  const { ownerId, input, now } = query;
  const where: Prisma.ConsumerWhereInput = {
    ownerId,
    OR: textSearch(input.search, ['name']),
  };
  return pageOf(input, {
    find: (window) =>
      tx.consumer.findMany({
        where,
        orderBy: byName(),
        include: APP_INCLUDE,
        ...window,
      }),
    count: () => tx.consumer.count({ where }),
    view: (row) => toAppView(row, now),
  });
}

/** A key of one of the developer's apps, with its app; anyone else's answers like an unknown id. */
export async function loadOwnedKey(tx: Prisma.TransactionClient, ownerId: string, id: string) {
  const key = await tx.apiKey.findUnique({ where: { id }, include: { consumer: true } });
  if (!key || key.consumer.ownerId !== ownerId)
    throw new PorticoError('CTL_NOT_FOUND', `id: no key with id ${id}`);
  return key;
}
