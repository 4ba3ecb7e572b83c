import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import {
  assertAppActive,
  loadListedPlan,
  loadOwnedApp,
} from '../../../services/portal/portal-apps';
import { createSubscription } from '../../../services/subscriptions/subscriptions';
import { ZSubscribeInput } from './subscribe.types';

/** Subscribes an app to a listed plan: active at once, or pending where the plan needs approval. */
export const subscribeProcedure = developerOnlyProcedure
  .input(ZSubscribeInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const app = await loadOwnedApp(tx, ctx.ownerScope, input.appId);
      const plan = await loadListedPlan(tx, input.planId);
      assertAppActive(app);
      const { before, after } = await createSubscription(
        tx,
        ctx.ownerScope,
        { consumerId: app.id, planId: plan.id },
        ctx.now(),
      );
      await recordAudit(tx, ctx, {
        action: 'portal.subscription.create',
        targetType: 'subscription',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
