import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { deleteDeveloperAccount } from '../../../services/portal/developer-accounts';
import { confirmPassword } from './confirm-password';
import { ZDeleteAccountInput } from './delete-account.types';

/**
 * Deletes the developer's account with their apps (keys stop working at once through the
 * credential stream), subscriptions, sessions and tokens. Asks for the password again.
 */
export const portalDeleteAccountProcedure = developerOnlyProcedure
  .input(ZDeleteAccountInput)
  .mutation(async ({ ctx, input }) => {
    await confirmPassword(ctx, {
      userId: ctx.actor.userId,
      password: input.password,
      refusal: 'password: this is not your password; the account was not deleted',
    });
    const outcome = await ctx.db.$transaction(async (tx) => {
      const outcome = await deleteDeveloperAccount(tx, ctx.actor.userId);
      await recordAudit(tx, ctx, {
        action: 'portal.delete_account',
        targetType: 'user',
        targetId: ctx.actor.userId,
        before: outcome.user,
        after: { deletedApps: outcome.deletedApps },
      });
      return outcome;
    });
    ctx.cookies.clearSession();
    return { deleted: true, deletedApps: outcome.deletedApps.length };
  });
