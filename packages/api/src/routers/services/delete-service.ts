import { auditedDelete } from '../../audit/audited-write';
import { deleteService } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';
import { ZServiceIdInput } from './get-service.types';

export const deleteServiceProcedure = operatorProcedure('editor')
  .input(ZServiceIdInput)
  .mutation(async ({ ctx, input }) => {
    const before = await auditedDelete(ctx, 'service', (tx) => deleteService(tx, input.id));
    return { id: before.id };
  });
