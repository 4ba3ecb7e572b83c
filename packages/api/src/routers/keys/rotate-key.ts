import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { rotateKey } from '../../services/keys/api-keys';
import { ZRotateKeyInput } from './rotate-key.types';

export const rotateKeyProcedure = ownedResourceProcedure('editor')
  .input(ZRotateKeyInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { key, clear, before, old } = await rotateKey(tx, ctx.ownerScope, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'key.rotate',
        targetType: 'key',
        targetId: old.id,
        before,
        after: { old, replacement: key },
      });
      return { key, clear, previous: old };
    }),
  );
