import { auditedChange } from '../../audit/audited-write';
import { updateService } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';
import { ZUpdateServiceInput } from './update-service.types';

export const updateServiceProcedure = operatorProcedure('editor')
  .input(ZUpdateServiceInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'service.update', targetType: 'service' }, (tx) =>
      updateService(tx, input),
    ),
  );
