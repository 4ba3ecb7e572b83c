import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { topConsumers } from '../../services/usage/top-consumers';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { ZTopConsumersInput } from './top-consumers.types';

/** Consumers ranked by requests in the window. */
export const topConsumersProcedure = ownedResourceProcedure('viewer')
  .input(ZTopConsumersInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId);
    return topConsumers(ctx.db, input, input, scope, input.limit);
  });
