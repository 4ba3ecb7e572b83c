import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { resolvePortalUsageScope } from '../../../services/portal/portal-usage-scope';
import { quotaUsage } from '../../../services/usage/quota-usage';
import { ZPortalQuotaInput } from './portal-usage.types';

/**
 * This quota period's use against its limit per active subscription, live from the gateway
 * limiter's counters where they exist (`source: 'live'`), else from the rollups.
 */
export const portalUsageQuotaProcedure = developerOnlyProcedure
  .input(ZPortalQuotaInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolvePortalUsageScope(ctx.db, ctx.ownerScope, input);
    return quotaUsage(ctx.db, ctx.now(), scope, input.appId, { counters: ctx.quotaCounters });
  });
