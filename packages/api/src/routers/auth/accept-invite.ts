import { recordAudit } from '../../audit/record-audit';
import { acceptInvite } from '../../services/auth/accounts';
import { hashPassword } from '../../services/auth/passwords';
import { startSession } from '../../services/auth/sessions';
import { publicProcedure } from '../../trpc';
import { ZAcceptInviteInput } from './accept-invite.types';

export const acceptInviteProcedure = publicProcedure
  .input(ZAcceptInviteInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    // Hashed before the transaction so no connection waits on Argon2.
    const passwordHash = await hashPassword(input.password);
    const { user, session } = await ctx.db.$transaction(async (tx) => {
      const user = await acceptInvite(
        tx,
        { token: input.token, name: input.name, passwordHash },
        now,
      );
      const session = await startSession(tx, user.id, { ...ctx, now });
      await recordAudit(tx, ctx, {
        action: 'auth.accept_invite',
        targetType: 'user',
        targetId: user.id,
        after: user,
      });
      return { user, session };
    });
    ctx.cookies.setSession(session.cookie, session.expiresAt);
    return { user };
  });
