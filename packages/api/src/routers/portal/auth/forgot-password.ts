import { publicProcedure } from '../../../trpc';
import { ZForgotPasswordInput } from './forgot-password.types';
import { mailAccountLink } from './mail-account-link';

/**
 * Mails a password reset link to a developer account. Answers the same whether or not the email
 * has one, so it cannot be used to find accounts; at most one mail a minute per account.
 */
export const portalForgotPasswordProcedure = publicProcedure
  .input(ZForgotPasswordInput)
  .mutation(async ({ ctx, input }) => {
    await mailAccountLink(ctx, {
      email: input.email,
      purpose: 'reset_password',
      auditAction: 'portal.forgot_password',
    });
    return { message: `if ${input.email} has a developer account, a reset link is on its way` };
  });
