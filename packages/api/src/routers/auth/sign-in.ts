import { checkCredentialsThrottled } from '../../services/auth/throttled-credentials';
import { publicProcedure } from '../../trpc';
import { ZSignInInput } from './sign-in.types';
import { startSignedInSession } from './sign-in-session';

export const signInProcedure = publicProcedure
  .input(ZSignInInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const user = await checkCredentialsThrottled(ctx, input.email, input.password, now);
    return startSignedInSession(ctx, user, { action: 'auth.sign_in', now });
  });
