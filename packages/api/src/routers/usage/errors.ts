import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { errorBreakdown } from '../../services/usage/error-breakdown';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { ZUsageErrorsInput } from './errors.types';

/** Errors by gateway error code and by status class. */
export const usageErrorsProcedure = ownedResourceProcedure('viewer')
  .input(ZUsageErrorsInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId);
    return errorBreakdown(ctx.db, input, input, scope);
  });
