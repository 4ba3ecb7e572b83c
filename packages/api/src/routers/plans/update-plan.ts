import { auditedChange } from '../../audit/audited-write';
import { updatePlan } from '../../services/plans/plans';
import { operatorProcedure } from '../../trpc';
import { ZUpdatePlanInput } from './update-plan.types';

export const updatePlanProcedure = operatorProcedure('editor')
  .input(ZUpdatePlanInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'plan.update', targetType: 'plan' }, (tx) =>
      updatePlan(tx, input),
    ),
  );
