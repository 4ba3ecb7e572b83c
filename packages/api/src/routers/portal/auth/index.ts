import { router } from '../../../trpc';
import { portalChangePasswordProcedure } from './change-password';
import { portalDeleteAccountProcedure } from './delete-account';
import { portalForgotPasswordProcedure } from './forgot-password';
import { portalMeProcedure } from './me';
import { portalResendVerificationProcedure } from './resend-verification';
import { portalResetPasswordProcedure } from './reset-password';
import { portalSignInProcedure } from './sign-in';
import { portalSignOutProcedure } from './sign-out';
import { portalSignUpProcedure } from './sign-up';
import { portalVerifyEmailProcedure } from './verify-email';

/** Developer identity: sign-up as the sign-up mode says, mailed links, sessions, account. */
export const portalAuthRouter = router({
  signUp: portalSignUpProcedure,
  verifyEmail: portalVerifyEmailProcedure,
  resendVerification: portalResendVerificationProcedure,
  signIn: portalSignInProcedure,
  signOut: portalSignOutProcedure,
  me: portalMeProcedure,
  forgotPassword: portalForgotPasswordProcedure,
  resetPassword: portalResetPasswordProcedure,
  changePassword: portalChangePasswordProcedure,
  deleteAccount: portalDeleteAccountProcedure,
});
