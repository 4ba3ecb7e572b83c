import { auditedChange } from '../../audit/audited-write';
import { updateRegistry } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';
import { ZUpdateRegistryInput } from './update-registry.types';

export const updateRegistryProcedure = operatorProcedure('editor')
  .input(ZUpdateRegistryInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'registry.update', targetType: 'registry' }, (tx) =>
      updateRegistry(tx, ctx.secretKey, input),
    ),
  );
