import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { usageSeries } from '../../services/usage/usage-series';
import { ZUsageSeriesInput } from './series.types';

/** Requests, errors and bytes per minute/hour/day; developers see only their own consumers. */
export const usageSeriesProcedure = ownedResourceProcedure('viewer')
  .input(ZUsageSeriesInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId);
    return usageSeries(ctx.db, input, input.granularity, input, scope);
  });
