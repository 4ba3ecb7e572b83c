import { getPlan } from '../../services/plans/plans';
import { notFound } from '../../services/shared/domain-errors';
import { authedProcedure } from '../../trpc';
import { ZPlanIdInput } from './get-plan.types';

export const getPlanProcedure = authedProcedure
  .input(ZPlanIdInput)
  .query(async ({ ctx, input }) => {
    const plan = await getPlan(ctx.db, input.id);
    if (ctx.actor.kind === 'developer' && !plan.public) throw notFound('plan', input.id);
    return plan;
  });
