import { auditedCreate } from '../../audit/audited-write';
import { createInvite } from '../../services/users/members';
import { operatorProcedure } from '../../trpc';
import { ZInviteUserInput } from './invite-user.types';

/** Returns the invite token once; the invitee accepts it with `auth.acceptInvite`. */
export const inviteUserProcedure = operatorProcedure('admin')
  .input(ZInviteUserInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'user.invite', targetType: 'invite' }, (tx) =>
      createInvite(tx, ctx.actor, input, ctx.now()),
    ),
  );
