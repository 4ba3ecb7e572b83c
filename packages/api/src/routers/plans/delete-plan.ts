import { recordAudit } from '../../audit/record-audit';
import { deletePlan } from '../../services/plans/plans';
import { operatorProcedure } from '../../trpc';
import { ZPlanIdInput } from './get-plan.types';

export const deletePlanProcedure = operatorProcedure('editor')
  .input(ZPlanIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const before = await deletePlan(tx, input.id);
      await recordAudit(tx, ctx, {
        action: 'plan.delete',
        targetType: 'plan',
        targetId: before.id,
        before,
      });
      return { id: before.id };
    }),
  );
