import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { resolvePortalUsageQuery } from '../../../services/portal/portal-usage-scope';
import { usageLatency } from '../../../services/usage/latency-percentiles';
import { ZPortalUsageWindowInput } from './portal-usage.types';

/** Latency percentiles (p50/p95/p99) and histogram of the developer's calls. */
export const portalUsageLatencyProcedure = developerOnlyProcedure
  .input(ZPortalUsageWindowInput)
  .query(async ({ ctx, input }) => {
    const { filter, scope } = await resolvePortalUsageQuery(ctx.db, ctx.ownerScope, input);
    return usageLatency(ctx.db, input, filter, scope);
  });
