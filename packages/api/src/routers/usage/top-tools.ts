import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { topTools } from '../../services/usage/top-tools';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { ZTopToolsInput } from './top-tools.types';

/** MCP tools ranked by calls in the window; developers see only their own consumers' calls. */
export const topToolsProcedure = ownedResourceProcedure('viewer')
  .input(ZTopToolsInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId);
    return topTools(
      ctx.db,
      input,
      { apiId: input.apiId, consumerId: input.consumerId },
      scope,
      input.limit,
    );
  });
