import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { loadOwnedSubscription } from '../../../services/portal/change-plan';
import { decideSubscription } from '../../../services/subscriptions/subscriptions';
import { ZSubscriptionIdInput } from './subscription-id.types';

/** Cancels a pending or active subscription; the app's keys stop reaching the plan's APIs. */
export const cancelSubscriptionProcedure = developerOnlyProcedure
  .input(ZSubscriptionIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      await loadOwnedSubscription(tx, ctx.ownerScope, input.subscriptionId);
      const { before, after } = await decideSubscription(
        tx,
        ctx.ownerScope,
        'cancel',
        input.subscriptionId,
        ctx.actor.userId,
        ctx.now(),
      );
      await recordAudit(tx, ctx, {
        action: 'portal.subscription.cancel',
        targetType: 'subscription',
        targetId: input.subscriptionId,
        before,
        after,
      });
      return after;
    }),
  );
