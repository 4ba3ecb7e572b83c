import { newId } from '@portico/id';
import { viewKey } from '../declarative-state';
import { mustGet, type Run, sortedNames } from './reconcile-run';

/** Consumers made by operators that the file no longer lists go (their keys with them). */
export async function deleteUnlistedConsumers({
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
export async function cancelUnlistedSubscriptions(run: Run): Promise<void> {
  const { tx, now, consumerChanged, credentialLog } = run;
  for (const c of run.doc.consumers) {
    const current = run.state.consumers.get(c.name);
    if (!current) continue;
    const stale = await tx.subscription.findMany({
      where: { consumerId: current.id, status: 'active', plan: { name: { notIn: c.plans } } },
      select: { id: true },
    });
    for (const sub of stale) {
      await tx.subscription.update({
        where: { id: sub.id },
        data: { status: 'cancelled', decidedBy: run.ctx.actor?.userId ?? null, decidedAt: now },
      });
      credentialLog.add(`subscription:${sub.id}`);
      consumerChanged.add(c.name);
    }
  }
}

/** Consumers are created or updated, with active subscriptions to the plans they list. */
export async function upsertConsumers({
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
      const { plans: _wanted, credentials: _listed, ...fields } = c;
      const { plans: _had, credentials: _stored, ...currentFields } = current.view;
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
