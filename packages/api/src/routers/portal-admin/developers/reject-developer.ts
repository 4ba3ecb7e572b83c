import { recordAudit } from '../../../audit/record-audit';
import { decideSignUp } from '../../../services/portal/developer-admin';
import { mailSignUpDecision, portalNameFor } from '../../../services/portal/sign-up-decision';
import { operatorProcedure } from '../../../trpc';
import { ZDeveloperIdInput } from './developer-id.types';

/** Declines a pending sign-up; the developer is mailed and the account cannot sign in. */
export const rejectDeveloperProcedure = operatorProcedure('admin')
  .input(ZDeveloperIdInput)
  .mutation(async ({ ctx, input }) => {
    const { after, portalName } = await ctx.db.$transaction(async (tx) => {
      const outcome = await decideSignUp(tx, input.id, 'reject');
      await recordAudit(tx, ctx, {
        action: 'portal.developer.reject',
        targetType: 'user',
        targetId: input.id,
        before: outcome.before,
        after: outcome.after,
      });
      return { ...outcome, portalName: await portalNameFor(tx) };
    });
    return { ...after, mailSent: await mailSignUpDecision(ctx, after, portalName) };
  });
