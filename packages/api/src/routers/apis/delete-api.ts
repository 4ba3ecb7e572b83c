import { auditedDelete } from '../../audit/audited-write';
import { deleteApi } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZApiIdInput } from './get-api.types';

export const deleteApiProcedure = operatorProcedure('editor')
  .input(ZApiIdInput)
  .mutation(async ({ ctx, input }) => {
    const before = await auditedDelete(ctx, 'api', (tx) => deleteApi(tx, input.id));
    return { id: before.id };
  });
