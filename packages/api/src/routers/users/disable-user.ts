import { recordAudit } from '../../audit/record-audit';
import { disableUser } from '../../services/users/members';
import { operatorProcedure } from '../../trpc';
import { ZDisableUserInput } from './disable-user.types';

/** Disables the account and revokes its sessions and tokens at once. */
export const disableUserProcedure = operatorProcedure('admin')
  .input(ZDisableUserInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await disableUser(tx, ctx.actor, input.id, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'user.disable',
        targetType: 'user',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
