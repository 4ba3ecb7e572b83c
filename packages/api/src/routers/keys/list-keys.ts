import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { listKeys } from '../../services/keys/api-keys';
import { ZListKeysInput } from './list-keys.types';

export const listKeysProcedure = ownedResourceProcedure('viewer')
  .input(ZListKeysInput)
  .query(({ ctx, input }) => listKeys(ctx.db, ctx.ownerScope, input.consumerId, ctx.now()));
