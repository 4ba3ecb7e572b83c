import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { ZSubscriptionIdInput } from './create-subscription.types';
import { decideAndAudit } from './decide-and-audit';

/** Operators (editor+) or the developer who owns the consumer. */
export const cancelSubscriptionProcedure = ownedResourceProcedure('editor')
  .input(ZSubscriptionIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction((tx) =>
      decideAndAudit(tx, ctx, {
        ownerScope: ctx.ownerScope,
        decision: 'cancel',
        id: input.id,
        auditAction: 'subscription.cancel',
      }),
    ),
  );
