import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { topApis } from '../../services/usage/top-apis';
import { scopedRankingQuery } from '../../services/usage/usage-scope';
import { ZTopApisInput } from './top-apis.types';

/** APIs ranked by requests in the window; developers see only their own consumers' traffic. */
export const topApisProcedure = ownedResourceProcedure('viewer')
  .input(ZTopApisInput)
  .query(async ({ ctx, input }) =>
    topApis(ctx.db, await scopedRankingQuery(ctx, input, { consumerId: input.consumerId })),
  );
