import { recordAudit } from '../../audit/record-audit';
import { decideSubscription } from '../../services/subscriptions/subscriptions';
import { operatorProcedure } from '../../trpc';
import { ZSubscriptionIdInput } from './create-subscription.types';

export const approveSubscriptionProcedure = operatorProcedure('editor')
  .input(ZSubscriptionIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await decideSubscription(
        tx,
        null,
        'approve',
        input.id,
        ctx.actor.userId,
        ctx.now(),
      );
      await recordAudit(tx, ctx, {
        action: 'subscription.approve',
        targetType: 'subscription',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
