import { recordAudit } from '../../audit/record-audit';
import { createFirstOwner } from '../../services/auth/accounts';
import { hashPassword } from '../../services/auth/passwords';
import { startSession } from '../../services/auth/sessions';
import { publicProcedure } from '../../trpc';
import { ZSetupInput } from './setup.types';

/** First run: creates the owner and signs them in. Refused once any operator exists. */
export const setupProcedure = publicProcedure
  .input(ZSetupInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    // Hashed before the transaction so no connection waits on Argon2.
    const passwordHash = await hashPassword(input.password);
    const { user, session } = await ctx.db.$transaction(async (tx) => {
      const user = await createFirstOwner(
        tx,
        { email: input.email, name: input.name, passwordHash },
        now,
      );
      const session = await startSession(tx, user.id, { ...ctx, now });
      await recordAudit(tx, ctx, {
        action: 'auth.setup',
        targetType: 'user',
        targetId: user.id,
        after: user,
      });
      return { user, session };
    });
    ctx.cookies.setSession(session.cookie, session.expiresAt);
    return { user };
  });
