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

/**
 * The mail carrying a one-time account link (email verification or password reset), pointing at
 * the portal page that consumes it and naming how long it lasts.
 */
export function accountLinkMail(
  ctx: Pick<ApiServices, 'portalUrl'>,
  purpose: UserTokenPurpose,
  { to, portalName, token }: AccountLink,
): MailMessage {
  const ttlMs = USER_TOKEN_TTL_MS[purpose];
  switch (purpose) {
    case 'verify_email':
      return verificationMail(
        to,
        portalName,
        portalLink(portalUrlOf(ctx), 'verify-email', token),
        ttlMs / 3_600_000,
      );
    case 'reset_password':
      return passwordResetMail(
        to,
        portalName,
        portalLink(portalUrlOf(ctx), 'reset-password', token),
        ttlMs / 60_000,
      );
    default:
      return purpose satisfies never;
  }
}
