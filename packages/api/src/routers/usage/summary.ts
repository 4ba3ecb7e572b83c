import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { usageSummary } from '../../services/usage/usage-summary';
import { ZUsageSummaryInput } from './summary.types';

/** Request, error and latency figures for the last `sinceSeconds` (what `portico usage` prints). */
export const usageSummaryProcedure = ownedResourceProcedure('viewer')
  .input(ZUsageSummaryInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, undefined);
    return usageSummary(ctx.db, ctx.now(), input, scope);
  });
