import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { listSubscriptions } from '../../services/subscriptions/subscriptions';
import { ZListSubscriptionsInput } from './list-subscriptions.types';

export const listSubscriptionsProcedure = ownedResourceProcedure('viewer')
  .input(ZListSubscriptionsInput)
  .query(({ ctx, input }) => listSubscriptions(ctx.db, ctx.ownerScope, input));
