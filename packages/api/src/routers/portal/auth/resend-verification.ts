import { publicProcedure } from '../../../trpc';
import { mailAccountLink } from './mail-account-link';
import { ZResendVerificationInput } from './resend-verification.types';

/**
 * Mails a new verification link (the previous one stops working). Answers the same whether or
 * not the email has an unverified account, so it cannot be used to find accounts; at most one
 * mail a minute per account.
 */
export const portalResendVerificationProcedure = publicProcedure
  .input(ZResendVerificationInput)
  .mutation(async ({ ctx, input }) => {
    await mailAccountLink(ctx, {
      email: input.email,
      purpose: 'verify_email',
      auditAction: 'portal.resend_verification',
    });
    return {
      message: `if ${input.email} has an account waiting for verification, a new link is on its way`,
    };
  });
