import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { usageLatency } from '../../services/usage/latency-percentiles';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { ZUsageLatencyInput } from './latency.types';

/** p50/p95/p99 total latency (from the rollups' histograms) and the histogram itself. */
export const usageLatencyProcedure = ownedResourceProcedure('viewer')
  .input(ZUsageLatencyInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId);
    return usageLatency(ctx.db, input, input, scope);
  });
