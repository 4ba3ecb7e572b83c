import { recordAudit } from '../../audit/record-audit';
import { createRegistry } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';
import { ZCreateRegistryInput } from './create-registry.types';

export const createRegistryProcedure = operatorProcedure('editor')
  .input(ZCreateRegistryInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const registry = await createRegistry(tx, ctx.secretKey, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'registry.create',
        targetType: 'registry',
        targetId: registry.id,
        after: registry,
      });
      return registry;
    }),
  );
