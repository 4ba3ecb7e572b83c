import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { auditedChange } from '../../audit/audited-write';
import { createSubscription } from '../../services/subscriptions/subscriptions';
import { ZCreateSubscriptionInput } from './create-subscription.types';

export const createSubscriptionProcedure = ownedResourceProcedure('editor')
  .input(ZCreateSubscriptionInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'subscription.create', targetType: 'subscription' }, (tx) =>
      createSubscription(tx, ctx.ownerScope, input, ctx.now()),
    ),
  );
