import { TRPCError } from '@trpc/server';
import { checkCredentialsThrottled } from '../../../services/auth/throttled-credentials';
import { publicProcedure } from '../../../trpc';
import { ZSignInInput } from '../../auth/sign-in.types';
import { startSignedInSession } from '../../auth/sign-in-session';

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
    return startSignedInSession(ctx, user, { action: 'portal.sign_in', now });
  });
