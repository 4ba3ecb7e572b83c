import { pageRegistries } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';
import { ZPageRegistriesInput } from './page-registries.types';

/** One page of the list for the console's table; `list` stays whole for pickers and the CLI. */
export const pageRegistriesProcedure = operatorProcedure('viewer')
  .input(ZPageRegistriesInput)
  .query(({ ctx, input }) => pageRegistries(ctx.db, input));
