import { TRPCError } from '@trpc/server';
import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { hashPassword, verifyPassword } from '../../../services/auth/passwords';
import { changeDeveloperPassword } from '../../../services/portal/developer-accounts';
import { ZChangePasswordInput } from './change-password.types';

/** Changes the password; every other session of the account is signed out. */
export const portalChangePasswordProcedure = developerOnlyProcedure
  .input(ZChangePasswordInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const current = await ctx.db.user.findUnique({
      where: { id: ctx.actor.userId },
      select: { passwordHash: true },
    });
    if (!(await verifyPassword(current?.passwordHash ?? null, input.currentPassword))) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: 'currentPassword: this is not your current password',
      });
    }
    const passwordHash = await hashPassword(input.newPassword);
    const { revokedSessions } = await ctx.db.$transaction(async (tx) => {
      const outcome = await changeDeveloperPassword(
        tx,
        { userId: ctx.actor.userId, keepSessionId: ctx.actor.sessionId, passwordHash },
        now,
      );
      await recordAudit(tx, ctx, {
        action: 'portal.change_password',
        targetType: 'user',
        targetId: ctx.actor.userId,
        after: outcome,
      });
      return outcome;
    });
    return { changed: true, revokedSessions };
  });
