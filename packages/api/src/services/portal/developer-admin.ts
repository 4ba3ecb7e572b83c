import type { Prisma } from '@portico/db';
import { revokeUserSessions } from '../auth/sessions';
import { setConsumerStatus } from '../consumers/consumers';
import { notFound, preconditionFailed } from '../shared/domain-errors';
import { newestFirst, type Page, type PageInput, pageOf } from '../shared/paging';
import { toUserView, type UserView } from '../users/user-view';

export type DeveloperStatus = 'active' | 'pending' | 'rejected' | 'suspended';

export interface DeveloperView extends UserView {
  appCount: number;
}

interface DeveloperFilter {
  status?: DeveloperStatus | undefined;
  search?: string | undefined;
}

function developersWhere(filter: DeveloperFilter): Prisma.UserWhereInput {
  return {
    kind: 'developer',
    status: filter.status,
    ...(filter.search
      ? {
          OR: [
            { email: { contains: filter.search, mode: 'insensitive' } },
            { name: { contains: filter.search, mode: 'insensitive' } },
          ],
        }
      : {}),
  };
}

const WITH_APP_COUNT = { _count: { select: { consumers: true } } } as const;

function toDeveloperView({
  _count,
  ...row
}: Prisma.UserGetPayload<{ include: typeof WITH_APP_COUNT }>): DeveloperView {
  return { ...toUserView(row), appCount: _count.consumers };
}

export async function listDevelopers(
  tx: Prisma.TransactionClient,
  filter: DeveloperFilter,
): Promise<DeveloperView[]> {
  const rows = await tx.user.findMany({
    where: developersWhere(filter),
    orderBy: { createdAt: 'desc' },
    include: WITH_APP_COUNT,
    take: 1000,
  });
  return rows.map(toDeveloperView);
}

/** One page of developer accounts, newest first, by status and name or email. */
export async function pageDevelopers(
  tx: Prisma.TransactionClient,
  input: PageInput & DeveloperFilter,
): Promise<Page<DeveloperView>> {
  const where = developersWhere(input);
  return pageOf(input, {
    find: (window) =>
      tx.user.findMany({
        where,
        orderBy: newestFirst(),
        include: WITH_APP_COUNT,
        ...window,
      }),
    count: () => tx.user.count({ where }),
    view: toDeveloperView,
  });
}

async function loadDeveloper(tx: Prisma.TransactionClient, id: string) {
  const user = await tx.user.findUnique({ where: { id } });
  if (user?.kind !== 'developer') throw notFound('developer', id);
  return user;
}

/** Approves or declines a pending sign-up; refused for anything not pending. */
export async function decideSignUp(
  tx: Prisma.TransactionClient,
  id: string,
  decision: 'approve' | 'reject',
): Promise<{ before: UserView; after: UserView }> {
  const user = await loadDeveloper(tx, id);
  if (user.status !== 'pending')
    throw preconditionFailed(
      `id: ${user.email} is ${user.status}; only pending sign-ups are decided`,
    );
  const status = decision === 'approve' ? 'active' : 'rejected';
  // Guarded on the status just read, so two racing decisions cannot both apply.
  const changed = await tx.user.updateMany({ where: { id, status: 'pending' }, data: { status } });
  if (changed.count !== 1) throw preconditionFailed('id: the sign-up was decided meanwhile');
  const after = await tx.user.findUniqueOrThrow({ where: { id } });
  return { before: toUserView(user), after: toUserView(after) };
}

/** A developer in `status`; refused otherwise, saying which developers `verb` applies to. */
async function loadDeveloperIn(
  tx: Prisma.TransactionClient,
  id: string,
  { status, verb }: { status: DeveloperStatus; verb: string },
) {
  const user = await loadDeveloper(tx, id);
  if (user.status !== status)
    throw preconditionFailed(
      `id: ${user.email} is ${user.status}; only ${status} developers are ${verb}`,
    );
  return user;
}

/** Sets every app matching `where` to `status`, through the consumer service; returns their ids. */
async function setAppsStatus(
  tx: Prisma.TransactionClient,
  where: Prisma.ConsumerWhereInput,
  status: 'active' | 'suspended',
): Promise<string[]> {
  const apps = await tx.consumer.findMany({ where, select: { id: true } });
  for (const app of apps) await setConsumerStatus(tx, app.id, status);
  return apps.map((a) => a.id);
}

/**
 * Suspends a developer: signed out everywhere, and every active app suspended, which the
 * credential stream tells the gateways at once (their keys stop working). The apps suspended
 * here are remembered so reactivation restores exactly those.
 */
export async function suspendDeveloper(
  tx: Prisma.TransactionClient,
  id: string,
  now: Date,
): Promise<{ before: UserView; after: UserView & { suspendedApps: string[] } }> {
  const user = await loadDeveloperIn(tx, id, { status: 'active', verb: 'suspended' });
  const suspendedApps = await setAppsStatus(tx, { ownerId: id, status: 'active' }, 'suspended');
  const after = await tx.user.update({
    where: { id },
    data: { status: 'suspended', suspendedConsumerIds: suspendedApps },
  });
  await revokeUserSessions(tx, id, now);
  return { before: toUserView(user), after: { ...toUserView(after), suspendedApps } };
}

/** Lifts a suspension and reactivates the apps it suspended (not ones suspended on their own). */
export async function reactivateDeveloper(
  tx: Prisma.TransactionClient,
  id: string,
): Promise<{ before: UserView; after: UserView & { reactivatedApps: string[] } }> {
  const user = await loadDeveloperIn(tx, id, { status: 'suspended', verb: 'reactivated' });
  const reactivatedApps = await setAppsStatus(
    tx,
    { id: { in: user.suspendedConsumerIds }, ownerId: id, status: 'suspended' },
    'active',
  );
  const after = await tx.user.update({
    where: { id },
    data: { status: 'active', suspendedConsumerIds: [] },
  });
  return { before: toUserView(user), after: { ...toUserView(after), reactivatedApps } };
}

export interface PendingSubscriptionView {
  id: string;
  createdAt: Date;
  app: { id: string; name: string; status: 'active' | 'suspended' };
  plan: { id: string; name: string };
  /** The developer who owns the app; null for consumers made by operators. */
  owner: { id: string; email: string; name: string } | null;
}

/** Everything waiting for an operator: pending sign-ups and pending subscriptions, oldest first. */
export async function listPendingApprovals(tx: Prisma.TransactionClient): Promise<{
  signUps: UserView[];
  subscriptions: PendingSubscriptionView[];
}> {
  const [users, subscriptions] = await Promise.all([
    tx.user.findMany({
      where: { kind: 'developer', status: 'pending' },
      orderBy: { createdAt: 'asc' },
      take: 1000,
    }),
    tx.subscription.findMany({
      where: { status: 'pending' },
      orderBy: { createdAt: 'asc' },
      take: 1000,
      include: {
        plan: { select: { id: true, name: true } },
        consumer: {
          select: {
            id: true,
            name: true,
            status: true,
            owner: { select: { id: true, email: true, name: true } },
          },
        },
      },
    }),
  ]);
  return {
    signUps: users.map(toUserView),
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      app: { id: s.consumer.id, name: s.consumer.name, status: s.consumer.status },
      plan: s.plan,
      owner: s.consumer.owner,
    })),
  };
}
