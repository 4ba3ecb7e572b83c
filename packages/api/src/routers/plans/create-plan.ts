import { auditedCreate } from '../../audit/audited-write';
import { createPlan } from '../../services/plans/plans';
import { operatorProcedure } from '../../trpc';
import { ZCreatePlanInput } from './create-plan.types';

export const createPlanProcedure = operatorProcedure('editor')
  .input(ZCreatePlanInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'plan.create', targetType: 'plan' }, (tx) =>
      createPlan(tx, input, ctx.now()),
    ),
  );
