import { listPlans } from '../../services/plans/plans';
import { authedProcedure } from '../../trpc';

/** Operators see every plan; developers see the public ones they may subscribe to. */
export const listPlansProcedure = authedProcedure.query(({ ctx }) =>
  listPlans(ctx.db, ctx.actor.kind === 'developer'),
);
