import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { exploreRequests } from '../../services/usage/request-explorer';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { ZRequestExplorerInput } from './requests.types';

/** The request explorer: raw requests (kept for the retention period), newest first, paged. */
export const usageRequestsProcedure = ownedResourceProcedure('viewer')
  .input(ZRequestExplorerInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId);
    return exploreRequests(ctx.db, input, scope);
  });
