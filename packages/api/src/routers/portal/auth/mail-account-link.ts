import { recordAudit } from '../../../audit/record-audit';
import { accountLinkMail } from '../../../services/mail/account-link-mail';
import { deliverMail } from '../../../services/mail/deliver';
import { prepareMailedLink } from '../../../services/portal/developer-accounts';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import type { UserTokenPurpose } from '../../../services/portal/user-tokens';
import { type ApiContext, publicProcedure } from '../../../trpc';
import { ZAccountLinkInput } from './mail-account-link.types';

export interface AccountLinkRequest {
  email: string;
  purpose: UserTokenPurpose;
  /** The audit action recorded when a link is issued. */
  auditAction: string;
}

/**
 * Issues and mails a fresh account link when the email has an account due one (at most one a
 * minute). Says nothing about whether it did: the caller answers the same either way, so the
 * answer cannot be used to find accounts.
 */
export async function mailAccountLink(ctx: ApiContext, request: AccountLinkRequest): Promise<void> {
  const now = ctx.now();
  const prepared = await ctx.db.$transaction(async (tx) => {
    const link = await prepareMailedLink(tx, request.email, request.purpose, now);
    if (!link) return null;
    await recordAudit(tx, ctx, {
      action: request.auditAction,
      targetType: 'user',
      targetId: link.user.id,
    });
    return { ...link, portalName: (await readPortalSettings(tx)).portalName };
  });
  if (prepared) {
    await deliverMail(
      ctx,
      accountLinkMail(ctx, request.purpose, {
        to: prepared.user.email,
        portalName: prepared.portalName,
        token: prepared.token,
      }),
    );
  }
}

export interface AccountLinkProcedure extends Omit<AccountLinkRequest, 'email'> {
  /** The answer given whether or not a link was mailed. */
  answer: (email: string) => string;
}

/** A public procedure that mails an account link and answers the same whether or not it did. */
export function mailAccountLinkProcedure({ answer, ...link }: AccountLinkProcedure) {
  return publicProcedure.input(ZAccountLinkInput).mutation(async ({ ctx, input }) => {
    await mailAccountLink(ctx, { email: input.email, ...link });
    return { message: answer(input.email) };
  });
}
