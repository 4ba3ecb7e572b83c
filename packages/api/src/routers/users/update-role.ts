import { auditedChange } from '../../audit/audited-write';
import { updateRole } from '../../services/users/members';
import { operatorProcedure } from '../../trpc';
import { ZUpdateRoleInput } from './update-role.types';

export const updateRoleProcedure = operatorProcedure('admin')
  .input(ZUpdateRoleInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'user.update_role', targetType: 'user' }, (tx) =>
      updateRole(tx, ctx.actor, input),
    ),
  );
