import { recordAudit } from '../../audit/record-audit';
import { updatePlan } from '../../services/plans/plans';
import { operatorProcedure } from '../../trpc';
import { ZUpdatePlanInput } from './update-plan.types';

export const updatePlanProcedure = operatorProcedure('editor')
  .input(ZUpdatePlanInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await updatePlan(tx, input);
      await recordAudit(tx, ctx, {
        action: 'plan.update',
        targetType: 'plan',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
