import { recordAudit } from '../../audit/record-audit';
import { createDeveloper } from '../../services/auth/accounts';
import { hashPassword } from '../../services/auth/passwords';
import { startSession } from '../../services/auth/sessions';
import { publicProcedure } from '../../trpc';
import { ZSignUpInput } from './sign-up.types';

/** Developer self-registration for the portal; signs the new developer in. */
export const signUpProcedure = publicProcedure
  .input(ZSignUpInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    // Hashed before the transaction so no connection waits on Argon2.
    const passwordHash = await hashPassword(input.password);
    const { user, session } = await ctx.db.$transaction(async (tx) => {
      const user = await createDeveloper(
        tx,
        { email: input.email, name: input.name, passwordHash },
        now,
      );
      const session = await startSession(tx, user.id, { ...ctx, now });
      await recordAudit(tx, ctx, {
        action: 'auth.sign_up',
        targetType: 'user',
        targetId: user.id,
        after: user,
      });
      return { user, session };
    });
    ctx.cookies.setSession(session.cookie, session.expiresAt);
    return { user };
  });
