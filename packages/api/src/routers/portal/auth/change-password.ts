import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { hashPassword } from '../../../services/auth/passwords';
import { changeDeveloperPassword } from '../../../services/portal/developer-accounts';
import { ZChangePasswordInput } from './change-password.types';
import { confirmPassword } from './confirm-password';

/** Changes the password; every other session of the account is signed out. */
export const portalChangePasswordProcedure = developerOnlyProcedure
  .input(ZChangePasswordInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    await confirmPassword(ctx, {
      userId: ctx.actor.userId,
      password: input.currentPassword,
      refusal: 'currentPassword: this is not your current password',
    });
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
