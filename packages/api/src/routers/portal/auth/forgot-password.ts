import { recordAudit } from '../../../audit/record-audit';
import { deliverMail, portalUrlOf } from '../../../services/mail/deliver';
import { passwordResetMail, portalLink } from '../../../services/mail/portal-messages';
import { prepareMailedLink } from '../../../services/portal/developer-accounts';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { USER_TOKEN_TTL_MS } from '../../../services/portal/user-tokens';
import { publicProcedure } from '../../../trpc';
import { ZForgotPasswordInput } from './forgot-password.types';

/**
 * Mails a password reset link to a developer account. Answers the same whether or not the email
 * has one, so it cannot be used to find accounts; at most one mail a minute per account.
 */
export const portalForgotPasswordProcedure = publicProcedure
  .input(ZForgotPasswordInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const prepared = await ctx.db.$transaction(async (tx) => {
      const link = await prepareMailedLink(tx, input.email, 'reset_password', now);
      if (!link) return null;
      await recordAudit(tx, ctx, {
        action: 'portal.forgot_password',
        targetType: 'user',
        targetId: link.user.id,
      });
      return { ...link, portalName: (await readPortalSettings(tx)).portalName };
    });
    if (prepared) {
      await deliverMail(
        ctx,
        passwordResetMail(
          prepared.user.email,
          prepared.portalName,
          portalLink(portalUrlOf(ctx), 'reset-password', prepared.token),
          USER_TOKEN_TTL_MS.reset_password / 60_000,
        ),
      );
    }
    return { message: `if ${input.email} has a developer account, a reset link is on its way` };
  });
