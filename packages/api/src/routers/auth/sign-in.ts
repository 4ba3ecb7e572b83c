import { TRPCError } from '@trpc/server';
import { recordAudit } from '../../audit/record-audit';
import { checkCredentials } from '../../services/auth/accounts';
import { startSession } from '../../services/auth/sessions';
import type { SignInAttempt } from '../../services/auth/sign-in-throttle';
import type { UserView } from '../../services/users/user-view';
import { type ApiContext, publicProcedure } from '../../trpc';
import { ZSignInInput } from './sign-in.types';

/** Checks the password, counting the outcome against the sign-in throttle when there is one. */
async function checkThrottled(
  ctx: ApiContext,
  email: string,
  password: string,
  now: Date,
): Promise<UserView> {
  // Refused here (TOO_MANY_REQUESTS) while the email or IP is locked: before the account is
  // looked up or the password hashed.
  const attempt: SignInAttempt | undefined = ctx.signInThrottle?.begin(email, ctx.clientIp, now);
  try {
    // Verified outside the transaction: Argon2 takes tens of milliseconds, and failed guesses
    // should not hold database connections.
    const user = await checkCredentials(ctx.db, email, password);
    attempt?.succeeded();
    return user;
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'UNAUTHORIZED') attempt?.failed(ctx.now());
    else attempt?.abandoned();
    throw error;
  }
}

export const signInProcedure = publicProcedure
  .input(ZSignInInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const user = await checkThrottled(ctx, input.email, input.password, now);
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
