import { auditedChange } from '../../audit/audited-write';
import { disableUser } from '../../services/users/members';
import { operatorProcedure } from '../../trpc';
import { ZDisableUserInput } from './disable-user.types';

/** Disables the account and revokes its sessions and tokens at once. */
export const disableUserProcedure = operatorProcedure('admin')
  .input(ZDisableUserInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'user.disable', targetType: 'user' }, (tx) =>
      disableUser(tx, ctx.actor, input.id, ctx.now()),
    ),
  );
