import { auditedDelete } from '../../audit/audited-write';
import { deletePlan } from '../../services/plans/plans';
import { operatorProcedure } from '../../trpc';
import { ZPlanIdInput } from './get-plan.types';

export const deletePlanProcedure = operatorProcedure('editor')
  .input(ZPlanIdInput)
  .mutation(async ({ ctx, input }) => {
    const before = await auditedDelete(ctx, 'plan', (tx) => deletePlan(tx, input.id));
    return { id: before.id };
  });
