import { TRPCError } from '@trpc/server';
import { recordAudit } from '../../../audit/record-audit';
import { startSession } from '../../../services/auth/sessions';
import { checkCredentialsThrottled } from '../../../services/auth/throttled-credentials';
import { publicProcedure } from '../../../trpc';
import { ZSignInInput } from '../../auth/sign-in.types';

/**
 * Developer sign-in to the portal, throttled like the console's. Unverified, pending, declined
 * and suspended accounts are told why once the password is right; operator accounts are sent to
 * the console.
 */
export const portalSignInProcedure = publicProcedure
  .input(ZSignInInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const user = await checkCredentialsThrottled(ctx, input.email, input.password, now);
    if (user.kind !== 'developer') {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'email: this is an operator account; sign in to the console instead',
      });
    }
    const session = await ctx.db.$transaction(async (tx) => {
      const session = await startSession(tx, user.id, { ...ctx, now });
      await recordAudit(tx, ctx, {
        action: 'portal.sign_in',
        targetType: 'session',
        targetId: session.id,
        after: { userId: user.id, email: user.email, ip: ctx.clientIp },
      });
      return session;
    });
    ctx.cookies.setSession(session.cookie, session.expiresAt);
    return { user, expiresAt: session.expiresAt };
  });
