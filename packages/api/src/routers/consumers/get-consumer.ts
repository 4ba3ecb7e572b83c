import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { loadConsumer, toConsumerView } from '../../services/consumers/consumers';
import { ZConsumerIdInput } from './get-consumer.types';

export const getConsumerProcedure = ownedResourceProcedure('viewer')
  .input(ZConsumerIdInput)
  .query(async ({ ctx, input }) =>
    toConsumerView(await loadConsumer(ctx.db, input.id, ctx.ownerScope)),
  );
