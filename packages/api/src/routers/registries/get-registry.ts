import { loadRegistry, toRegistryView } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';
import { ZRegistryIdInput } from './get-registry.types';

export const getRegistryProcedure = operatorProcedure('viewer')
  .input(ZRegistryIdInput)
  .query(async ({ ctx, input }) => toRegistryView(await loadRegistry(ctx.db, input.id)));
