import { recordAudit } from '../../../audit/record-audit';
import { decideSignUp } from '../../../services/portal/developer-admin';
import { mailSignUpDecision, portalNameFor } from '../../../services/portal/sign-up-decision';
import { operatorProcedure } from '../../../trpc';
import { ZDeveloperIdInput } from './developer-id.types';

/** The procedure that approves or declines a pending sign-up, audits it and mails the developer. */
export function decideSignUpProcedure(decision: 'approve' | 'reject') {
  return operatorProcedure('admin')
    .input(ZDeveloperIdInput)
    .mutation(async ({ ctx, input }) => {
      const { after, portalName } = await ctx.db.$transaction(async (tx) => {
        const outcome = await decideSignUp(tx, input.id, decision);
        await recordAudit(tx, ctx, {
          action: `portal.developer.${decision}`,
          targetType: 'user',
          targetId: input.id,
          before: outcome.before,
          after: outcome.after,
        });
        return { ...outcome, portalName: await portalNameFor(tx) };
      });
      return { ...after, mailSent: await mailSignUpDecision(ctx, after, portalName) };
    });
}
