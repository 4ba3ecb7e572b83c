import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { topApis } from '../../services/usage/top-apis';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { ZTopApisInput } from './top-apis.types';

/** APIs ranked by requests in the window; developers see only their own consumers' traffic. */
export const topApisProcedure = ownedResourceProcedure('viewer')
  .input(ZTopApisInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId);
    return topApis(ctx.db, input, { consumerId: input.consumerId }, scope, input.limit);
  });
