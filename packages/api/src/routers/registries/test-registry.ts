import { recordAudit } from '../../audit/record-audit';
import { loadRegistry, toRegistryView } from '../../services/registries/registries';
import {
  checkRegistryReachable,
  probeRegistryServices,
} from '../../services/registries/registry-check';
import { openRegistryCredentials } from '../../services/registries/registry-credentials';
import { operatorProcedure } from '../../trpc';
import { ZRegistryIdInput } from './get-registry.types';

/**
 * Checks the registry now — listing its services through its discovery adapter when the control
 * plane provides one, else checking that its endpoint accepts connections — and stores the
 * outcome (lastCheckedAt, lastStatus, lastError). A failing registry is a result, not an error.
 */
export const testRegistryProcedure = operatorProcedure('editor')
  .input(ZRegistryIdInput)
  .mutation(async ({ ctx, input }) => {
    const registry = await loadRegistry(ctx.db, input.id);
    // The network call runs outside the transaction so no row lock is held while waiting.
    const result = ctx.probeRegistry
      ? await probeRegistryServices(
          registry,
          ctx.probeRegistry,
          openRegistryCredentials(ctx.secretKey, registry.credentialsSealed),
          ctx.now,
        )
      : await checkRegistryReachable(registry, ctx.now);
    const updated = await ctx.db.$transaction(async (tx) => {
      const row = await tx.registryConnection.update({
        where: { id: registry.id },
        data: {
          lastCheckedAt: result.checkedAt,
          lastStatus: result.status,
          lastError: result.error,
        },
      });
      await recordAudit(tx, ctx, {
        action: 'registry.test',
        targetType: 'registry',
        targetId: row.id,
        after: result,
      });
      return row;
    });
    return { ...result, registry: toRegistryView(updated) };
  });
