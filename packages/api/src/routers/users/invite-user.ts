import { recordAudit } from '../../audit/record-audit';
import { createInvite } from '../../services/users/members';
import { operatorProcedure } from '../../trpc';
import { ZInviteUserInput } from './invite-user.types';

/** Returns the invite token once; the invitee accepts it with `auth.acceptInvite`. */
export const inviteUserProcedure = operatorProcedure('admin')
  .input(ZInviteUserInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const invite = await createInvite(tx, ctx.actor, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'user.invite',
        targetType: 'invite',
        targetId: invite.id,
        after: invite,
      });
      return invite;
    }),
  );
