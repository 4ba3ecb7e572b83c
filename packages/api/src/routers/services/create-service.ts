import { auditedCreate } from '../../audit/audited-write';
import { createService } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';
import { ZCreateServiceInput } from './create-service.types';

export const createServiceProcedure = operatorProcedure('editor')
  .input(ZCreateServiceInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'service.create', targetType: 'service' }, (tx) =>
      createService(tx, input, ctx.now()),
    ),
  );
