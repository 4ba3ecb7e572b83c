import { loadRegistry } from '../../services/registries/registries';
import { openRegistryCredentials } from '../../services/registries/registry-credentials';
import { listRegistryInstances } from '../../services/registries/registry-instances';
import { operatorProcedure } from '../../trpc';
import { ZRegistryInstancesInput } from './registry-instances.types';

/** One service's instances, read live from the registry (the console polls it). */
export const registryInstancesProcedure = operatorProcedure('viewer')
  .input(ZRegistryInstancesInput)
  .query(async ({ ctx, input }) => {
    const registry = await loadRegistry(ctx.db, input.id);
    return listRegistryInstances(
      registry,
      ctx.probeRegistry,
      openRegistryCredentials(ctx.secretKey, registry.credentialsSealed),
      input.service,
      ctx.now,
    );
  });
