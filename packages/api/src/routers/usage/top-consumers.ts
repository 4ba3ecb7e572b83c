import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { topConsumers } from '../../services/usage/top-consumers';
import { scopedRankingQuery } from '../../services/usage/usage-scope';
import { ZTopConsumersInput } from './top-consumers.types';

/** Consumers ranked by requests in the window. */
export const topConsumersProcedure = ownedResourceProcedure('viewer')
  .input(ZTopConsumersInput)
  .query(async ({ ctx, input }) =>
    topConsumers(ctx.db, await scopedRankingQuery(ctx, input, input)),
  );
