import type { Prisma, Subscription } from '@portico/db';
import { newId } from '@portico/id';
import { logSubscriptionChange } from '../../sync/credential-log';
import { loadConsumer } from '../consumers/consumers';
import { conflict, notFound, preconditionFailed } from '../shared/domain-errors';
import { newestFirst, type Page, type PageInput, pageOf } from '../shared/paging';

export type SubscriptionStatus = 'pending' | 'active' | 'rejected' | 'cancelled';

export interface SubscriptionView {
  id: string;
  consumerId: string;
  consumerName: string;
  planId: string;
  planName: string;
  status: SubscriptionStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type SubscriptionRow = Subscription & { consumer: { name: string }; plan: { name: string } };
const SUBSCRIPTION_INCLUDE = {
  consumer: { select: { name: true } },
  plan: { select: { name: true } },
} as const;

export function toSubscriptionView(s: SubscriptionRow): SubscriptionView {
  return {
    id: s.id,
    consumerId: s.consumerId,
    consumerName: s.consumer.name,
    planId: s.planId,
    planName: s.plan.name,
    status: s.status,
    decidedBy: s.decidedBy,
    decidedAt: s.decidedAt,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export async function listSubscriptions(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  filter: { consumerId?: string | undefined; status?: SubscriptionStatus | undefined },
): Promise<SubscriptionView[]> {
  const rows = await tx.subscription.findMany({
    where: {
      consumerId: filter.consumerId,
      status: filter.status,
      consumer: ownerScope === null ? undefined : { ownerId: ownerScope },
    },
    orderBy: { createdAt: 'desc' },
    include: SUBSCRIPTION_INCLUDE,
  });
  return rows.map(toSubscriptionView);
}

/**
 * One page of subscriptions, newest first, in the owner's scope: by status and consumer, and
 * those whose consumer or plan name holds `search`.
 */
export async function pageSubscriptions(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  input: PageInput & {
    consumerId?: string | undefined;
    status?: SubscriptionStatus | undefined;
    search?: string | undefined;
  },
): Promise<Page<SubscriptionView>> {
  const where: Prisma.SubscriptionWhereInput = {
    consumerId: input.consumerId,
    status: input.status,
    consumer: ownerScope === null ? undefined : { ownerId: ownerScope },
    OR: input.search
      ? [
          { consumer: { name: { contains: input.search, mode: 'insensitive' } } },
          { plan: { name: { contains: input.search, mode: 'insensitive' } } },
        ]
      : undefined,
  };
  return pageOf(input, {
    find: (window) =>
      tx.subscription.findMany({
        where,
        orderBy: newestFirst(),
        include: SUBSCRIPTION_INCLUDE,
        ...window,
      }),
    count: () => tx.subscription.count({ where }),
    view: toSubscriptionView,
  });
}

async function loadSubscription(
  tx: Prisma.TransactionClient,
  id: string,
  ownerScope: string | null,
): Promise<SubscriptionRow> {
  const row = await tx.subscription.findUnique({
    where: { id },
    include: { ...SUBSCRIPTION_INCLUDE, consumer: { select: { name: true, ownerId: true } } },
  });
  if (!row || (ownerScope !== null && row.consumer.ownerId !== ownerScope))
    throw notFound('subscription', id);
  return row;
}

/**
 * Subscribes a consumer to a plan: pending when the plan needs approval, else active at once.
 * A cancelled or rejected subscription to the same plan is reopened rather than duplicated.
 * Developers may subscribe only their own consumers, and only to public plans.
 */
export async function createSubscription(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  input: { consumerId: string; planId: string },
  now: Date,
): Promise<{ before: SubscriptionView | null; after: SubscriptionView }> {
  const consumer = await loadConsumer(tx, input.consumerId, ownerScope);
  const plan = await tx.plan.findUnique({ where: { id: input.planId } });
  if (!plan || (ownerScope !== null && !plan.public)) throw notFound('plan', input.planId);
  const status: SubscriptionStatus = plan.approvalRequired ? 'pending' : 'active';
  const existing = await tx.subscription.findUnique({
    where: { consumerId_planId: { consumerId: consumer.id, planId: plan.id } },
    include: SUBSCRIPTION_INCLUDE,
  });
  if (existing && (existing.status === 'active' || existing.status === 'pending')) {
    throw conflict(
      `planId: consumer ${consumer.name} already has a ${existing.status} subscription to plan ${plan.name}`,
    );
  }
  const row = existing
    ? await tx.subscription.update({
        where: { id: existing.id },
        data: { status, decidedBy: null, decidedAt: null },
        include: SUBSCRIPTION_INCLUDE,
      })
    : await tx.subscription.create({
        data: {
          id: newId('subscription', now.getTime()),
          consumerId: consumer.id,
          planId: plan.id,
          status,
        },
        include: SUBSCRIPTION_INCLUDE,
      });
  await logSubscriptionChange(tx, row.id);
  return { before: existing ? toSubscriptionView(existing) : null, after: toSubscriptionView(row) };
}

const ALLOWED_FROM: Record<'approve' | 'reject' | 'cancel', SubscriptionStatus[]> = {
  approve: ['pending'],
  reject: ['pending'],
  cancel: ['pending', 'active'],
};
const RESULT: Record<'approve' | 'reject' | 'cancel', SubscriptionStatus> = {
  approve: 'active',
  reject: 'rejected',
  cancel: 'cancelled',
};

/**
 * approve/reject (operators) and cancel (operators or the owning developer). `deciderId` is null
 * when no user made the decision (a declarative apply run without a signed-in actor).
 */
export async function decideSubscription(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  decision: 'approve' | 'reject' | 'cancel',
  id: string,
  deciderId: string | null,
  now: Date,
): Promise<{ before: SubscriptionView; after: SubscriptionView }> {
  const current = await loadSubscription(tx, id, ownerScope);
  if (!ALLOWED_FROM[decision].includes(current.status)) {
    throw preconditionFailed(`id: cannot ${decision} a subscription that is ${current.status}`);
  }
  // Guarded on the status just read, so two racing decisions cannot both apply.
  const changed = await tx.subscription.updateMany({
    where: { id, status: current.status },
    data: { status: RESULT[decision], decidedBy: deciderId, decidedAt: now },
  });
  if (changed.count !== 1)
    throw preconditionFailed(`id: the subscription changed meanwhile; reload and retry`);
  await logSubscriptionChange(tx, id);
  const after = await loadSubscription(tx, id, null);
  return { before: toSubscriptionView(current), after: toSubscriptionView(after) };
}
