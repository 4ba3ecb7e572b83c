import { mailAccountLinkProcedure } from './mail-account-link';

/**
 * Mails a new verification link (the previous one stops working). Answers the same whether or
 * not the email has an unverified account, so it cannot be used to find accounts; at most one
 * mail a minute per account.
 */
export const portalResendVerificationProcedure = mailAccountLinkProcedure({
  purpose: 'verify_email',
  auditAction: 'portal.resend_verification',
  answer: (email) =>
    `if ${email} has an account waiting for verification, a new link is on its way`,
});
