import { mailAccountLinkProcedure } from './mail-account-link';

/**
 * Mails a password reset link to a developer account. Answers the same whether or not the email
 * has one, so it cannot be used to find accounts; at most one mail a minute per account.
 */
export const portalForgotPasswordProcedure = mailAccountLinkProcedure({
  purpose: 'reset_password',
  auditAction: 'portal.forgot_password',
  answer: (email) => `if ${email} has a developer account, a reset link is on its way`,
});
