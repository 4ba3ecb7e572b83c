import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { listConsumers } from '../../services/consumers/consumers';
import { ZListConsumersInput } from './list-consumers.types';

/** Operators (viewer+) see every consumer; developers see their own. */
export const listConsumersProcedure = ownedResourceProcedure('viewer')
  .input(ZListConsumersInput)
  .query(({ ctx, input }) => listConsumers(ctx.db, ctx.ownerScope, input));
