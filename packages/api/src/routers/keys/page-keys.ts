import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { pageKeys } from '../../services/keys/api-keys';
import { ZPageKeysInput } from './page-keys.types';

/** One page of the list for the console's table; `list` stays whole for pickers and the CLI. */
export const pageKeysProcedure = ownedResourceProcedure('viewer')
  .input(ZPageKeysInput)
  .query(({ ctx, input }) =>
    pageKeys(ctx.db, { ownerScope: ctx.ownerScope, input, now: ctx.now() }),
  );
