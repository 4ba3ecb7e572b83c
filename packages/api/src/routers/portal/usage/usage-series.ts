import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { resolvePortalUsageQuery } from '../../../services/portal/portal-usage-scope';
import { usageSeries } from '../../../services/usage/usage-series';
import { ZPortalUsageSeriesInput } from './portal-usage.types';

/** Calls, errors and bytes over time for the developer's apps (or one app or key). */
export const portalUsageSeriesProcedure = developerOnlyProcedure
  .input(ZPortalUsageSeriesInput)
  .query(async ({ ctx, input }) => {
    const { filter, scope } = await resolvePortalUsageQuery(ctx.db, ctx.ownerScope, input);
    return usageSeries(ctx.db, input, input.granularity, filter, scope);
  });
