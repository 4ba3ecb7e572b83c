import { recordAudit } from '../../audit/record-audit';
import { revokeSession } from '../../services/auth/sessions';
import { authedProcedure } from '../../trpc';

/** Revokes the calling session server-side and clears the cookie. */
export const signOutProcedure = authedProcedure.mutation(async ({ ctx }) => {
  const sessionId = ctx.actor.sessionId;
  if (sessionId) {
    await ctx.db.$transaction(async (tx) => {
      await revokeSession(tx, sessionId, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'auth.sign_out',
        targetType: 'session',
        targetId: sessionId,
      });
    });
  }
  ctx.cookies.clearSession();
  return { signedOut: true };
});
