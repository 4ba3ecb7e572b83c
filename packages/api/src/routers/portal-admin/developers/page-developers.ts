import { pageDevelopers } from '../../../services/portal/developer-admin';
import { operatorProcedure } from '../../../trpc';
import { ZPageDevelopersInput } from './page-developers.types';

/** One page of developer accounts with their app counts, newest first. */
export const pageDevelopersProcedure = operatorProcedure('viewer')
  .input(ZPageDevelopersInput)
  .query(({ ctx, input }) => pageDevelopers(ctx.db, input));
