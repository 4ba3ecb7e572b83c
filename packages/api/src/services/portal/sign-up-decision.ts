import type { Prisma } from '@portico/db';
import type { ApiServices } from '../../trpc';
import { deliverMail, portalUrlOf } from '../mail/deliver';
import { signUpDecisionMail } from '../mail/portal-messages';
import type { UserView } from '../users/user-view';
import { readPortalSettings } from './portal-settings';

/** The portal's name, read inside the decision's transaction for the mail sent after it. */
export async function portalNameFor(tx: Prisma.TransactionClient): Promise<string> {
  return (await readPortalSettings(tx)).portalName;
}

/** Tells the developer how their sign-up was decided; a failed mail does not undo the decision. */
export function mailSignUpDecision(
  ctx: Pick<ApiServices, 'mailer' | 'portalUrl'>,
  user: UserView,
  portalName: string,
): Promise<boolean> {
  return deliverMail(
    ctx,
    signUpDecisionMail(
      user.email,
      portalName,
      user.status === 'active',
      new URL('/sign-in', portalUrlOf(ctx)).toString(),
    ),
  );
}
