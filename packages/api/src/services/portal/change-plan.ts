import type { Prisma } from '@portico/db';
import { PorticoError, preconditionFailed } from '../shared/domain-errors';
import {
  createSubscription,
  decideSubscription,
  listSubscriptions,
  type SubscriptionView,
} from '../subscriptions/subscriptions';
import { loadActiveOwnedApp, loadListedPlan } from './portal-apps';

/** A subscription of one of the developer's apps; anyone else's answers like an unknown id. */
export async function loadOwnedSubscription(
  tx: Prisma.TransactionClient,
  ownerId: string,
  id: string,
) {
  const row = await tx.subscription.findUnique({
    where: { id },
    include: { consumer: { select: { ownerId: true } } },
  });
  if (!row || row.consumer.ownerId !== ownerId)
    throw new PorticoError('CTL_NOT_FOUND', `subscriptionId: no subscription with id ${id}`);
  return row;
}

/**
 * Moves an app from one plan to another without touching its keys. A new plan that is active at
 * once replaces the old subscription (cancelled in the same transaction); one that needs
 * approval is added as pending and the old one keeps working meanwhile, so the app never loses
 * access while it waits (the developer cancels the old one once the new one is active).
 */
export async function changeSubscriptionPlan(
  tx: Prisma.TransactionClient,
  ownerId: string,
  input: { subscriptionId: string; planId: string },
  actorId: string,
  now: Date,
): Promise<{
  previousBefore: SubscriptionView;
  previous: SubscriptionView;
  next: SubscriptionView;
}> {
  const current = await loadOwnedSubscription(tx, ownerId, input.subscriptionId);
  const plan = await loadListedPlan(tx, input.planId);
  const app = await loadActiveOwnedApp(tx, ownerId, current.consumerId);
  if (current.status !== 'active' && current.status !== 'pending')
    throw preconditionFailed(
      `subscriptionId: this subscription is ${current.status}; subscribe to the new plan instead`,
    );
  if (current.planId === plan.id)
    throw preconditionFailed(`planId: the app is already on plan ${plan.name}`);
  const [previousBefore] = await listSubscriptionById(tx, ownerId, current.consumerId, current.id);
  if (!previousBefore) throw new Error('subscription vanished inside its transaction');
  const { after: next } = await createSubscription(
    tx,
    ownerId,
    { consumerId: app.id, planId: plan.id },
    now,
  );
  const previous =
    next.status === 'active' || current.status === 'pending'
      ? (await decideSubscription(tx, ownerId, 'cancel', current.id, actorId, now)).after
      : previousBefore;
  return { previousBefore, previous, next };
}

async function listSubscriptionById(
  tx: Prisma.TransactionClient,
  ownerId: string,
  consumerId: string,
  id: string,
): Promise<SubscriptionView[]> {
  const all = await listSubscriptions(tx, ownerId, { consumerId });
  return all.filter((s) => s.id === id);
}
