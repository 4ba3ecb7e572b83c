import { router } from '../../trpc';
import { approveSubscriptionProcedure } from './approve-subscription';
import { cancelSubscriptionProcedure } from './cancel-subscription';
import { createSubscriptionProcedure } from './create-subscription';
import { listSubscriptionsProcedure } from './list-subscriptions';
import { pageSubscriptionsProcedure } from './page-subscriptions';
import { rejectSubscriptionProcedure } from './reject-subscription';

export const subscriptionsRouter = router({
  list: listSubscriptionsProcedure,
  page: pageSubscriptionsProcedure,
  create: createSubscriptionProcedure,
  approve: approveSubscriptionProcedure,
  reject: rejectSubscriptionProcedure,
  cancel: cancelSubscriptionProcedure,
});
