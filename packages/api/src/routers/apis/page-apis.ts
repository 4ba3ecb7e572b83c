import { pageApis } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZPageApisInput } from './page-apis.types';

/** One page of the list for the console's table; `list` stays whole for pickers and the CLI. */
export const pageApisProcedure = operatorProcedure('viewer')
  .input(ZPageApisInput)
  .query(({ ctx, input }) => pageApis(ctx.db, input));
