import { operatorProcedure } from '../../trpc';
import { ZSubscriptionIdInput } from './create-subscription.types';
import { decideAndAudit } from './decide-and-audit';

export const approveSubscriptionProcedure = operatorProcedure('editor')
  .input(ZSubscriptionIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction((tx) =>
      decideAndAudit(tx, ctx, {
        ownerScope: null,
        decision: 'approve',
        id: input.id,
        auditAction: 'subscription.approve',
      }),
    ),
  );
