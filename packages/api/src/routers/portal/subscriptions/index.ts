import { router } from '../../../trpc';
import { cancelSubscriptionProcedure } from './cancel';
import { changePlanProcedure } from './change-plan';
import { listPortalSubscriptionsProcedure } from './list-subscriptions';
import { subscribeProcedure } from './subscribe';

export const portalSubscriptionsRouter = router({
  list: listPortalSubscriptionsProcedure,
  subscribe: subscribeProcedure,
  changePlan: changePlanProcedure,
  cancel: cancelSubscriptionProcedure,
});
