import { developerOnlyProcedure } from '../../../access/developer-procedure';
import {
  resolvePortalUsageQuery,
  THROTTLED_ERROR_CODES,
} from '../../../services/portal/portal-usage-scope';
import { errorBreakdown } from '../../../services/usage/error-breakdown';
import { ZPortalUsageWindowInput } from './portal-usage.types';

/** Errors by gateway code and status class, and the 429s (rate limit + quota) among them. */
export const portalUsageErrorsProcedure = developerOnlyProcedure
  .input(ZPortalUsageWindowInput)
  .query(async ({ ctx, input }) => {
    const { filter, scope } = await resolvePortalUsageQuery(ctx.db, ctx.ownerScope, input);
    const breakdown = await errorBreakdown(ctx.db, input, filter, scope);
    const throttled = breakdown.byErrorCode
      .filter((e) => (THROTTLED_ERROR_CODES as readonly string[]).includes(e.errorCode))
      .reduce((sum, e) => sum + e.count, 0);
    return { ...breakdown, throttled };
  });
