import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { revokeKey } from '../../services/keys/api-keys';
import { ZKeyIdInput } from './rotate-key.types';

export const revokeKeyProcedure = ownedResourceProcedure('editor')
  .input(ZKeyIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after, changed } = await revokeKey(tx, ctx.ownerScope, input.id, ctx.now());
      if (changed)
        await recordAudit(tx, ctx, {
          action: 'key.revoke',
          targetType: 'key',
          targetId: after.id,
          before,
          after,
        });
      return after;
    }),
  );
