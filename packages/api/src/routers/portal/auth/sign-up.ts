import { auditedIssue } from '../../../audit/audited-write';
import { hashPassword } from '../../../services/auth/passwords';
import { accountLinkMail } from '../../../services/mail/account-link-mail';
import { deliverMail } from '../../../services/mail/deliver';
import { signUpDeveloper } from '../../../services/portal/developer-accounts';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { publicProcedure } from '../../../trpc';
import { ZPortalSignUpInput } from './sign-up.types';

/**
 * Developer sign-up, as the operator's sign-up mode says. Nobody is signed in here: the mailed
 * link (or, for invited developers, sign-in) comes next, as `next` says.
 */
export const portalSignUpProcedure = publicProcedure
  .input(ZPortalSignUpInput)
  .mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    // Hashed before the transaction so no connection waits on Argon2.
    const passwordHash = await hashPassword(input.password);
    const { user, verificationToken } = await auditedIssue(
      ctx,
      (tx) => signUpDeveloper(tx, { ...input, passwordHash }, now),
      { action: 'portal.sign_up', targetType: 'user', recordOf: (outcome) => outcome.user },
    );
    const { portalName } = await readPortalSettings(ctx.db);
    const verificationMailSent = verificationToken
      ? await deliverMail(
          ctx,
          accountLinkMail(ctx, 'verify_email', {
            to: user.email,
            portalName,
            token: verificationToken,
          }),
        )
      : false;
    const next =
      user.emailVerifiedAt === null
        ? ('verify_email' as const)
        : user.status === 'pending'
          ? ('wait_for_approval' as const)
          : ('sign_in' as const);
    return { user, next, verificationMailSent };
  });
