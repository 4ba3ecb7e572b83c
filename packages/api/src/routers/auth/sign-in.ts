import { recordAudit } from '../../audit/record-audit';
import { checkCredentials } from '../../services/auth/accounts';
import { startSession } from '../../services/auth/sessions';
import { publicProcedure } from '../../trpc';
import { ZSignInInput } from './sign-in.types';

export const signInProcedure = publicProcedure
  .input(ZSignInInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const { user, session } = await ctx.db.$transaction(async (tx) => {
      const user = await checkCredentials(tx, input.email, input.password);
      const session = await startSession(tx, user.id, { ...ctx, now });
      await recordAudit(tx, ctx, {
        action: 'auth.sign_in',
        targetType: 'session',
        targetId: session.id,
        after: { userId: user.id, email: user.email, ip: ctx.clientIp },
      });
      return { user, session };
    });
    ctx.cookies.setSession(session.cookie, session.expiresAt);
    return { user, expiresAt: session.expiresAt };
  });
