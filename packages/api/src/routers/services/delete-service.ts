import { recordAudit } from '../../audit/record-audit';
import { deleteService } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';
import { ZServiceIdInput } from './get-service.types';

export const deleteServiceProcedure = operatorProcedure('editor')
  .input(ZServiceIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const before = await deleteService(tx, input.id);
      await recordAudit(tx, ctx, {
        action: 'service.delete',
        targetType: 'service',
        targetId: before.id,
        before,
      });
      return { id: before.id };
    }),
  );
