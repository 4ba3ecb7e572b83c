import { recordAudit } from '../../../audit/record-audit';
import { hashPassword } from '../../../services/auth/passwords';
import { resetDeveloperPassword } from '../../../services/portal/developer-accounts';
import { publicProcedure } from '../../../trpc';
import { ZResetPasswordInput } from './reset-password.types';

/** Follows a reset link: new password, every session signed out; sign in with it next. */
export const portalResetPasswordProcedure = publicProcedure
  .input(ZResetPasswordInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const passwordHash = await hashPassword(input.password);
    const user = await ctx.db.$transaction(async (tx) => {
      const user = await resetDeveloperPassword(tx, input.token, passwordHash, now);
      await recordAudit(tx, ctx, {
        action: 'portal.reset_password',
        targetType: 'user',
        targetId: user.id,
      });
      return user;
    });
    return { reset: true, email: user.email };
  });
