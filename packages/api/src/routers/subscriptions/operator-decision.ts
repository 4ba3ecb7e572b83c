import { operatorProcedure } from '../../trpc';
import { ZSubscriptionIdInput } from './create-subscription.types';
import { decideAndAudit } from './decide-and-audit';

/** An operator's approve or reject of a pending subscription, audited as `subscription.<decision>`. */
export function operatorDecisionProcedure(decision: 'approve' | 'reject') {
  return operatorProcedure('editor')
    .input(ZSubscriptionIdInput)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction((tx) =>
        decideAndAudit(tx, ctx, {
          ownerScope: null,
          decision,
          id: input.id,
          auditAction: `subscription.${decision}`,
        }),
      ),
    );
}
