import { recordAudit } from '../../audit/record-audit';
import { updateService } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';
import { ZUpdateServiceInput } from './update-service.types';

export const updateServiceProcedure = operatorProcedure('editor')
  .input(ZUpdateServiceInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await updateService(tx, input);
      await recordAudit(tx, ctx, {
        action: 'service.update',
        targetType: 'service',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
