import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { quotaUsage } from '../../services/usage/quota-usage';
import { resolveConsumerScope } from '../../services/usage/usage-scope';
import { ZQuotaUsageInput } from './quota-usage.types';

/** This period's usage per active subscription with a quota. */
export const quotaUsageProcedure = ownedResourceProcedure('viewer')
  .input(ZQuotaUsageInput)
  .query(async ({ ctx, input }) => {
    const scope = await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId);
    return quotaUsage(ctx.db, ctx.now(), scope, input.consumerId, {
      counters: ctx.quotaCounters,
    });
  });
