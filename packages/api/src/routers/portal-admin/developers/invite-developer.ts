import { auditedIssue } from '../../../audit/audited-write';
import { deliverMail, portalUrlOf } from '../../../services/mail/deliver';
import { developerInviteMail, portalLink } from '../../../services/mail/portal-messages';
import {
  createDeveloperInvite,
  DEVELOPER_INVITE_TTL_DAYS,
} from '../../../services/portal/developer-invites';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { operatorProcedure } from '../../../trpc';
import { ZInviteDeveloperInput } from './invite-developer.types';

/**
 * Invites a developer by mail (the way in when sign-up is invite-only). The link is also
 * returned, once, for operators who hand it over themselves.
 */
export const inviteDeveloperProcedure = operatorProcedure('admin')
  .input(ZInviteDeveloperInput)
  .mutation(async ({ ctx, input }) => {
    const { invite, token } = await auditedIssue(
      ctx,
      (tx) => createDeveloperInvite(tx, input.email, ctx.actor.userId, ctx.now()),
      {
        action: 'portal.developer.invite',
        targetType: 'developer_invite',
        recordOf: (created) => created.invite,
      },
    );
    const { portalName } = await readPortalSettings(ctx.db);
    const inviteUrl = portalLink(portalUrlOf(ctx), 'sign-up', token);
    const mailSent = await deliverMail(
      ctx,
      developerInviteMail(invite.email, portalName, inviteUrl, DEVELOPER_INVITE_TTL_DAYS),
    );
    return { invite, inviteUrl, mailSent };
  });
