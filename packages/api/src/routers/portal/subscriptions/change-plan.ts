import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { changeSubscriptionPlan } from '../../../services/portal/change-plan';
import { ZChangePlanInput } from './change-plan.types';

/**
 * Moves an app to another listed plan; its keys stay as they are. Where the new plan needs
 * approval the current subscription keeps working until the new one is decided.
 */
export const changePlanProcedure = developerOnlyProcedure
  .input(ZChangePlanInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const outcome = await changeSubscriptionPlan(
        tx,
        ctx.ownerScope,
        input,
        ctx.actor.userId,
        ctx.now(),
      );
      await recordAudit(tx, ctx, {
        action: 'portal.subscription.change_plan',
        targetType: 'subscription',
        targetId: input.subscriptionId,
        before: outcome.previousBefore,
        after: { previous: outcome.previous, next: outcome.next },
      });
      return { previous: outcome.previous, next: outcome.next };
    }),
  );
