import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { decideSubscription } from '../../services/subscriptions/subscriptions';
import { ZSubscriptionIdInput } from './create-subscription.types';

/** Operators (editor+) or the developer who owns the consumer. */
export const cancelSubscriptionProcedure = ownedResourceProcedure('editor')
  .input(ZSubscriptionIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await decideSubscription(
        tx,
        ctx.ownerScope,
        'cancel',
        input.id,
        ctx.actor.userId,
        ctx.now(),
      );
      await recordAudit(tx, ctx, {
        action: 'subscription.cancel',
        targetType: 'subscription',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
