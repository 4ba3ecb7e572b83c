import { recordAudit } from '../../audit/record-audit';
import { createService } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';
import { ZCreateServiceInput } from './create-service.types';

export const createServiceProcedure = operatorProcedure('editor')
  .input(ZCreateServiceInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const service = await createService(tx, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'service.create',
        targetType: 'service',
        targetId: service.id,
        after: service,
      });
      return service;
    }),
  );
