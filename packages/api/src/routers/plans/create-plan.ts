import { recordAudit } from '../../audit/record-audit';
import { createPlan } from '../../services/plans/plans';
import { operatorProcedure } from '../../trpc';
import { ZCreatePlanInput } from './create-plan.types';

export const createPlanProcedure = operatorProcedure('editor')
  .input(ZCreatePlanInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const plan = await createPlan(tx, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'plan.create',
        targetType: 'plan',
        targetId: plan.id,
        after: plan,
      });
      return plan;
    }),
  );
