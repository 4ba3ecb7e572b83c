import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { createKey } from '../../services/keys/api-keys';
import { ZCreateKeyInput } from './create-key.types';

/** Returns the clear key once; only its SHA-256 is stored. */
export const createKeyProcedure = ownedResourceProcedure('editor')
  .input(ZCreateKeyInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const issued = await createKey(tx, ctx.ownerScope, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'key.create',
        targetType: 'key',
        targetId: issued.key.id,
        after: issued.key,
      });
      return issued;
    }),
  );
