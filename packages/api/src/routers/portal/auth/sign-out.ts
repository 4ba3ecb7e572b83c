import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { revokeSession } from '../../../services/auth/sessions';

/** Revokes the portal session server-side and clears its cookie. */
export const portalSignOutProcedure = developerOnlyProcedure.mutation(async ({ ctx }) => {
  const sessionId = ctx.actor.sessionId;
  if (sessionId) {
    await ctx.db.$transaction(async (tx) => {
      await revokeSession(tx, sessionId, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'portal.sign_out',
        targetType: 'session',
        targetId: sessionId,
      });
    });
  }
  ctx.cookies.clearSession();
  return { signedOut: true };
});
