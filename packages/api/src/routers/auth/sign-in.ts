import { recordAudit } from '../../audit/record-audit';
import { startSession } from '../../services/auth/sessions';
import { checkCredentialsThrottled } from '../../services/auth/throttled-credentials';
import { publicProcedure } from '../../trpc';
import { ZSignInInput } from './sign-in.types';

export const signInProcedure = publicProcedure
  .input(ZSignInInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const user = await checkCredentialsThrottled(ctx, input.email, input.password, now);
    const { session } = await ctx.db.$transaction(async (tx) => {
      const session = await startSession(tx, user.id, { ...ctx, now });
      await recordAudit(tx, ctx, {
        action: 'auth.sign_in',
        targetType: 'session',
        targetId: session.id,
        after: { userId: user.id, email: user.email, ip: ctx.clientIp },
      });
      return { session };
    });
    ctx.cookies.setSession(session.cookie, session.expiresAt);
    return { user, expiresAt: session.expiresAt };
  });
