import { pagePlans } from '../../services/plans/plans';
import { operatorProcedure } from '../../trpc';
import { ZPagePlansInput } from './page-plans.types';

/** One page of the list for the console's table; `list` stays whole for pickers and the CLI. */
export const pagePlansProcedure = operatorProcedure('viewer')
  .input(ZPagePlansInput)
  .query(({ ctx, input }) => pagePlans(ctx.db, input));
