import {
  createConsumer,
  deleteConsumer,
  setConsumerStatus,
  updateConsumer,
} from '../../consumers/consumers';
import { createSubscription, decideSubscription } from '../../subscriptions/subscriptions';
import { asFileEntity, mustGet, type Run, sortedNames } from './reconcile-run';

/** Consumers made by operators that the file no longer lists go (their keys with them). */
export async function deleteUnlistedConsumers({ tx, doc, state, changes }: Run): Promise<void> {
  const listed = new Set(doc.consumers.map((c) => c.name));
  for (const [name, current] of state.consumers) {
    if (listed.has(name) || !current.operatorOwned) continue;
    await asFileEntity(`consumers.${name}`, () => deleteConsumer(tx, null, current.id));
    changes.push({ kind: 'consumer', name, action: 'delete' });
  }
}

/** Listed consumers drop subscriptions to plans they no longer list, before plans may go. */
export async function cancelUnlistedSubscriptions(run: Run): Promise<void> {
  const { tx, ctx, now, consumerChanged } = run;
  for (const c of run.doc.consumers) {
    const current = run.state.consumers.get(c.name);
    if (!current) continue;
    const stale = await tx.subscription.findMany({
      where: { consumerId: current.id, status: 'active', plan: { name: { notIn: c.plans } } },
      select: { id: true },
    });
    for (const sub of stale) {
      await asFileEntity(`consumers.${c.name}`, () =>
        decideSubscription(tx, null, 'cancel', sub.id, ctx.actor?.userId ?? null, now),
      );
      consumerChanged.add(c.name);
    }
  }
}

/**
 * Subscribes a consumer to a plan the file lists for it, active at once: the file is the
 * operator's decision, so a subscription a plan would hold for approval is approved by them.
 */
async function subscribe(run: Run, consumerId: string, planId: string): Promise<void> {
  const { tx, ctx, now } = run;
  let pendingId =
    (
      await tx.subscription.findFirst({
        where: { consumerId, planId, status: 'pending' },
        select: { id: true },
      })
    )?.id ?? null;
  if (pendingId === null) {
    const { after } = await createSubscription(tx, null, { consumerId, planId }, now);
    if (after.status === 'pending') pendingId = after.id;
  }
  if (pendingId !== null)
    await decideSubscription(tx, null, 'approve', pendingId, ctx.actor?.userId ?? null, now);
}

/** Consumers are created or updated, with active subscriptions to the plans they list. */
export async function upsertConsumers(run: Run): Promise<void> {
  const { tx, doc, state, changes, ids, now, consumerChanged } = run;
  for (const c of doc.consumers) {
    const current = state.consumers.get(c.name);
    const where = `consumers.${c.name}`;
    let consumerId: string;
    if (!current) {
      const created = await asFileEntity(where, () =>
        createConsumer(tx, null, { name: c.name, description: c.description }, now),
      );
      consumerId = created.id;
      if (c.status !== created.status)
        await asFileEntity(where, () => setConsumerStatus(tx, consumerId, c.status));
    } else {
      consumerId = current.id;
      const description = c.description ?? null;
      if (description !== (current.view.description ?? null)) {
        await asFileEntity(where, () => updateConsumer(tx, null, { id: consumerId, description }));
        consumerChanged.add(c.name);
      }
      if (c.status !== current.view.status) {
        await asFileEntity(where, () => setConsumerStatus(tx, consumerId, c.status));
        consumerChanged.add(c.name);
      }
    }
    ids.consumers.set(c.name, consumerId);
    const had = new Set(current?.view.plans ?? []);
    for (const planName of sortedNames(c.plans)) {
      if (had.has(planName)) continue;
      const planId = mustGet(ids.plans, planName, 'plan');
      await asFileEntity(where, () => subscribe(run, consumerId, planId));
      consumerChanged.add(c.name);
    }
    if (!current) changes.push({ kind: 'consumer', name: c.name, action: 'create' });
    else if (consumerChanged.has(c.name))
      changes.push({ kind: 'consumer', name: c.name, action: 'update' });
  }
}
