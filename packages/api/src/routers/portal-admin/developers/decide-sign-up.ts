import { recordAudit } from '../../../audit/record-audit';
import { deliverMail, portalUrlOf } from '../../../services/mail/deliver';
import { signUpDecisionMail } from '../../../services/mail/portal-messages';
import { decideSignUp } from '../../../services/portal/developer-admin';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { type ApiContext, operatorProcedure } from '../../../trpc';
import { ZDeveloperIdInput } from './developer-id.types';

async function decide(ctx: ApiContext, id: string, decision: 'approve' | 'reject') {
  const { after, portalName } = await ctx.db.$transaction(async (tx) => {
    const outcome = await decideSignUp(tx, id, decision);
    await recordAudit(tx, ctx, {
      action: `portal.developer.${decision}`,
      targetType: 'user',
      targetId: id,
      before: outcome.before,
      after: outcome.after,
    });
    return { ...outcome, portalName: (await readPortalSettings(tx)).portalName };
  });
  // The developer learns the outcome by mail; a failed mail does not undo the decision.
  const mailSent = await deliverMail(
    ctx,
    signUpDecisionMail(
      after.email,
      portalName,
      decision === 'approve',
      new URL('/sign-in', portalUrlOf(ctx)).toString(),
    ),
  );
  return { ...after, mailSent };
}

/** Approves a pending sign-up; the developer may sign in once their email is verified. */
export const approveDeveloperProcedure = operatorProcedure('admin')
  .input(ZDeveloperIdInput)
  .mutation(({ ctx, input }) => decide(ctx, input.id, 'approve'));

/** Declines a pending sign-up; the account cannot sign in. */
export const rejectDeveloperProcedure = operatorProcedure('admin')
  .input(ZDeveloperIdInput)
  .mutation(({ ctx, input }) => decide(ctx, input.id, 'reject'));
