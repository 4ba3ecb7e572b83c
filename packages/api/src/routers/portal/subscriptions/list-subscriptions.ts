import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { loadOwnedApp } from '../../../services/portal/portal-apps';
import { listSubscriptions } from '../../../services/subscriptions/subscriptions';
import { ZListPortalSubscriptionsInput } from './list-subscriptions.types';

/** The subscriptions of the developer's apps (or of one app), newest first. */
export const listPortalSubscriptionsProcedure = developerOnlyProcedure
  .input(ZListPortalSubscriptionsInput)
  .query(async ({ ctx, input }) => {
    if (input.appId) await loadOwnedApp(ctx.db, ctx.ownerScope, input.appId);
    return listSubscriptions(ctx.db, ctx.ownerScope, { consumerId: input.appId });
  });
