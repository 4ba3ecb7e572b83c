import { recordAudit } from '../../audit/record-audit';
import { deleteRegistry } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';
import { ZRegistryIdInput } from './get-registry.types';

export const deleteRegistryProcedure = operatorProcedure('editor')
  .input(ZRegistryIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const before = await deleteRegistry(tx, input.id);
      await recordAudit(tx, ctx, {
        action: 'registry.delete',
        targetType: 'registry',
        targetId: before.id,
        before,
      });
      return { id: before.id };
    }),
  );
