import { recordAudit } from '../../../audit/record-audit';
import { deliverMail, portalUrlOf } from '../../../services/mail/deliver';
import { portalLink, verificationMail } from '../../../services/mail/portal-messages';
import { prepareMailedLink } from '../../../services/portal/developer-accounts';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { USER_TOKEN_TTL_MS } from '../../../services/portal/user-tokens';
import { publicProcedure } from '../../../trpc';
import { ZResendVerificationInput } from './resend-verification.types';

/**
 * Mails a new verification link (the previous one stops working). Answers the same whether or
 * not the email has an unverified account, so it cannot be used to find accounts; at most one
 * mail a minute per account.
 */
export const portalResendVerificationProcedure = publicProcedure
  .input(ZResendVerificationInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const prepared = await ctx.db.$transaction(async (tx) => {
      const link = await prepareMailedLink(tx, input.email, 'verify_email', now);
      if (!link) return null;
      await recordAudit(tx, ctx, {
        action: 'portal.resend_verification',
        targetType: 'user',
        targetId: link.user.id,
      });
      return { ...link, portalName: (await readPortalSettings(tx)).portalName };
    });
    if (prepared) {
      await deliverMail(
        ctx,
        verificationMail(
          prepared.user.email,
          prepared.portalName,
          portalLink(portalUrlOf(ctx), 'verify-email', prepared.token),
          USER_TOKEN_TTL_MS.verify_email / 3_600_000,
        ),
      );
    }
    return {
      message: `if ${input.email} has an account waiting for verification, a new link is on its way`,
    };
  });
