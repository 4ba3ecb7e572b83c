import type { ApiServices } from '../../trpc';
import type { MailMessage } from './mailer';

/** Sends after the transaction committed; false when no mailer is configured or sending failed. */
export async function deliverMail(
  ctx: Pick<ApiServices, 'mailer'>,
  message: MailMessage,
): Promise<boolean> {
  if (!ctx.mailer) return false;
  return ctx.mailer.send(message);
}

/** The portal's base URL for links (PORTICO_PORTAL_URL). */
export const DEFAULT_PORTAL_URL = 'http://localhost:3001';

export function portalUrlOf(ctx: Pick<ApiServices, 'portalUrl'>): string {
  return ctx.portalUrl ?? DEFAULT_PORTAL_URL;
}
