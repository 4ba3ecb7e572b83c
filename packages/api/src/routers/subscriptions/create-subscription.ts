import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { createSubscription } from '../../services/subscriptions/subscriptions';
import { ZCreateSubscriptionInput } from './create-subscription.types';

export const createSubscriptionProcedure = ownedResourceProcedure('editor')
  .input(ZCreateSubscriptionInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await createSubscription(tx, ctx.ownerScope, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'subscription.create',
        targetType: 'subscription',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
