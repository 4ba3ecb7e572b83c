import type { ApiServices } from '../../trpc';
import { USER_TOKEN_TTL_MS, type UserTokenPurpose } from '../portal/user-tokens';
import { portalUrlOf } from './deliver';
import type { MailMessage } from './mailer';
import { passwordResetMail, portalLink, verificationMail } from './portal-messages';

export interface AccountLink {
  to: string;
  portalName: string;
  token: string;
}

/** Per purpose: the portal page that consumes the token, the message, and the unit its lifetime is told in. */
const ACCOUNT_LINKS: Record<
  UserTokenPurpose,
  {
    page: string;
    message: (to: string, portalName: string, link: string, lifetime: number) => MailMessage;
    lifetimeUnitMs: number;
  }
> = {
  verify_email: { page: 'verify-email', message: verificationMail, lifetimeUnitMs: 3_600_000 },
  reset_password: { page: 'reset-password', message: passwordResetMail, lifetimeUnitMs: 60_000 },
};

/**
 * The mail carrying a one-time account link (email verification or password reset), pointing at
 * the portal page that consumes it and naming how long it lasts.
 */
export function accountLinkMail(
  ctx: Pick<ApiServices, 'portalUrl'>,
  purpose: UserTokenPurpose,
  { to, portalName, token }: AccountLink,
): MailMessage {
  const { page, message, lifetimeUnitMs } = ACCOUNT_LINKS[purpose];
  const link = portalLink(portalUrlOf(ctx), page, token);
  return message(to, portalName, link, USER_TOKEN_TTL_MS[purpose] / lifetimeUnitMs);
}
