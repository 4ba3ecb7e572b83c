import { recordAudit } from '../../../audit/record-audit';
import { accountNotUsableReason } from '../../../services/auth/accounts';
import { startSession } from '../../../services/auth/sessions';
import { verifyDeveloperEmail } from '../../../services/portal/developer-accounts';
import { publicProcedure } from '../../../trpc';
import { ZVerifyEmailInput } from './verify-email.types';

/**
 * Follows the mailed verification link. The link proves the address, so an account that may now
 * sign in is signed in at once; one waiting for approval is told so (`signedIn: false`).
 */
export const portalVerifyEmailProcedure = publicProcedure
  .input(ZVerifyEmailInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const { user, session } = await ctx.db.$transaction(async (tx) => {
      const user = await verifyDeveloperEmail(tx, input.token, now);
      await recordAudit(tx, ctx, {
        action: 'portal.verify_email',
        targetType: 'user',
        targetId: user.id,
        after: { email: user.email, emailVerifiedAt: user.emailVerifiedAt },
      });
      const usable = user.kind === 'developer' && accountNotUsableReason(user) === null;
      const session = usable ? await startSession(tx, user.id, { ...ctx, now }) : null;
      return { user, session };
    });
    if (session) ctx.cookies.setSession(session.cookie, session.expiresAt);
    return { user, signedIn: session !== null, status: user.status };
  });
