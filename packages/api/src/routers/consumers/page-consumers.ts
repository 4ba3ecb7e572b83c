import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { pageConsumers } from '../../services/consumers/consumers';
import { ZPageConsumersInput } from './page-consumers.types';

/** One page of the list for the console's table; `list` stays whole for pickers and the CLI. */
export const pageConsumersProcedure = ownedResourceProcedure('viewer')
  .input(ZPageConsumersInput)
  .query(({ ctx, input }) => pageConsumers(ctx.db, ctx.ownerScope, input));
