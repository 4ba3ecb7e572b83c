import { auditedDelete } from '../../audit/audited-write';
import { deleteRegistry } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';
import { ZRegistryIdInput } from './get-registry.types';

export const deleteRegistryProcedure = operatorProcedure('editor')
  .input(ZRegistryIdInput)
  .mutation(async ({ ctx, input }) => {
    const before = await auditedDelete(ctx, 'registry', (tx) => deleteRegistry(tx, input.id));
    return { id: before.id };
  });
