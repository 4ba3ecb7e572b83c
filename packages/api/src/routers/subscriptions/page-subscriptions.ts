import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { pageSubscriptions } from '../../services/subscriptions/subscriptions';
import { ZPageSubscriptionsInput } from './page-subscriptions.types';

/** One page of the list for the console's table; `list` stays whole for pickers and the CLI. */
export const pageSubscriptionsProcedure = ownedResourceProcedure('viewer')
  .input(ZPageSubscriptionsInput)
  .query(({ ctx, input }) => pageSubscriptions(ctx.db, ctx.ownerScope, input));
