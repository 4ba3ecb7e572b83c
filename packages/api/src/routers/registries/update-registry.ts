import { recordAudit } from '../../audit/record-audit';
import { updateRegistry } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';
import { ZUpdateRegistryInput } from './update-registry.types';

export const updateRegistryProcedure = operatorProcedure('editor')
  .input(ZUpdateRegistryInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await updateRegistry(tx, ctx.secretKey, input);
      await recordAudit(tx, ctx, {
        action: 'registry.update',
        targetType: 'registry',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
