import { operatorProcedure } from '../../trpc';
import { ZSubscriptionIdInput } from './create-subscription.types';
import { decideAndAudit } from './decide-and-audit';

export const rejectSubscriptionProcedure = operatorProcedure('editor')
  .input(ZSubscriptionIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction((tx) =>
      decideAndAudit(tx, ctx, {
        ownerScope: null,
        decision: 'reject',
        id: input.id,
        auditAction: 'subscription.reject',
      }),
    ),
  );
