import { listDevelopers } from '../../../services/portal/developer-admin';
import { operatorProcedure } from '../../../trpc';
import { ZListDevelopersInput } from './list-developers.types';

/** Developer accounts with their app counts, newest first. */
export const listDevelopersProcedure = operatorProcedure('viewer')
  .input(ZListDevelopersInput)
  .query(({ ctx, input }) => listDevelopers(ctx.db, input));
