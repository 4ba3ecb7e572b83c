import { recordAudit } from '../../audit/record-audit';
import { deleteApi } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZApiIdInput } from './get-api.types';

export const deleteApiProcedure = operatorProcedure('editor')
  .input(ZApiIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const before = await deleteApi(tx, input.id);
      await recordAudit(tx, ctx, {
        action: 'api.delete',
        targetType: 'api',
        targetId: before.id,
        before,
      });
      return { id: before.id };
    }),
  );
