import { recordAudit } from '../../audit/record-audit';
import { revokeSession } from '../../services/auth/sessions';
import type { ApiContext } from '../../trpc';

/**
 * Revokes the caller's session server-side (audited as `action`) and clears its cookie; a caller
 * signed in with a token has no session, and only the cookie is cleared.
 */
export async function endCallerSession(
  ctx: ApiContext & { actor: { sessionId: string | null } },
  action: 'auth.sign_out' | 'portal.sign_out',
): Promise<{ signedOut: true }> {
  const sessionId = ctx.actor.sessionId;
  if (sessionId) {
    await ctx.db.$transaction(async (tx) => {
      await revokeSession(tx, sessionId, ctx.now());
      await recordAudit(tx, ctx, { action, targetType: 'session', targetId: sessionId });
    });
  }
  ctx.cookies.clearSession();
  return { signedOut: true };
}
