import { auditedCreate } from '../../audit/audited-write';
import { createRegistry } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';
import { ZCreateRegistryInput } from './create-registry.types';

export const createRegistryProcedure = operatorProcedure('editor')
  .input(ZCreateRegistryInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'registry.create', targetType: 'registry' }, (tx) =>
      createRegistry(tx, ctx.secretKey, input, ctx.now()),
    ),
  );
