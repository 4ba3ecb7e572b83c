import { recordAudit } from '../../audit/record-audit';
import { updateRole } from '../../services/users/members';
import { operatorProcedure } from '../../trpc';
import { ZUpdateRoleInput } from './update-role.types';

export const updateRoleProcedure = operatorProcedure('admin')
  .input(ZUpdateRoleInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await updateRole(tx, ctx.actor, input);
      await recordAudit(tx, ctx, {
        action: 'user.update_role',
        targetType: 'user',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
