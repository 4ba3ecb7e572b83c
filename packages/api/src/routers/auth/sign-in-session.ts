import { recordAudit } from '../../audit/record-audit';
import { startSession } from '../../services/auth/sessions';
import type { UserView } from '../../services/users/user-view';
import type { ApiContext } from '../../trpc';

export interface SignInAudit {
  /** The audit action of the sign-in: the console's and the portal's are told apart. */
  action: string;
  /** When the password was checked; the session starts then. */
  now: Date;
}

/**
 * Signs in a user whose password was checked: starts a session in one transaction with its
 * audit entry, then sets the session cookie once the transaction has committed.
 */
export async function startSignedInSession(
  ctx: ApiContext,
  user: UserView,
  { action, now }: SignInAudit,
): Promise<{ user: UserView; expiresAt: Date }> {
  const session = await ctx.db.$transaction(async (tx) => {
    const session = await startSession(tx, user.id, { ...ctx, now });
    await recordAudit(tx, ctx, {
      action,
      targetType: 'session',
      targetId: session.id,
      after: { userId: user.id, email: user.email, ip: ctx.clientIp },
    });
    return session;
  });
  ctx.cookies.setSession(session.cookie, session.expiresAt);
  return { user, expiresAt: session.expiresAt };
}
