import { pageServices } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';
import { ZPageServicesInput } from './page-services.types';

/** One page of the list for the console's table; `list` stays whole for pickers and the CLI. */
export const pageServicesProcedure = operatorProcedure('viewer')
  .input(ZPageServicesInput)
  .query(({ ctx, input }) => pageServices(ctx.db, input));
