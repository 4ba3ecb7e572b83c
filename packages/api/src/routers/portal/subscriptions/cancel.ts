import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { loadOwnedSubscription } from '../../../services/portal/change-plan';
import { decideAndAudit } from '../../subscriptions/decide-and-audit';
import { ZSubscriptionIdInput } from './subscription-id.types';

/** Cancels a pending or active subscription; the app's keys stop reaching the plan's APIs. */
export const cancelSubscriptionProcedure = developerOnlyProcedure
  .input(ZSubscriptionIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      await loadOwnedSubscription(tx, ctx.ownerScope, input.subscriptionId);
      return decideAndAudit(tx, ctx, {
        ownerScope: ctx.ownerScope,
        decision: 'cancel',
        id: input.subscriptionId,
        auditAction: 'portal.subscription.cancel',
      });
    }),
  );
