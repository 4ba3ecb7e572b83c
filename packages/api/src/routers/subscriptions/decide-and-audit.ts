import type { Prisma } from '@portico/db';
import { type AuditContext, recordAudit } from '../../audit/record-audit';
import {
  decideSubscription,
  type SubscriptionView,
} from '../../services/subscriptions/subscriptions';
import type { Actor } from '../../trpc';

export interface SubscriptionDecision {
  /** The developer scope the subscription must belong to; null for operators. */
  ownerScope: string | null;
  decision: 'approve' | 'reject' | 'cancel';
  id: string;
  auditAction: string;
}

/** Decides a subscription as the signed-in actor and audits it in the same transaction. */
export async function decideAndAudit(
  tx: Prisma.TransactionClient,
  ctx: AuditContext & { actor: Actor; now: () => Date },
  { ownerScope, decision, id, auditAction }: SubscriptionDecision,
): Promise<SubscriptionView> {
  const { before, after } = await decideSubscription(
    tx,
    ownerScope,
    decision,
    id,
    ctx.actor.userId,
    ctx.now(),
  );
  await recordAudit(tx, ctx, {
    action: auditAction,
    targetType: 'subscription',
    targetId: after.id,
    before,
    after,
  });
  return after;
}
