import { auditedChange } from '../../audit/audited-write';
import { updateApi } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZUpdateApiInput } from './update-api.types';

export const updateApiProcedure = operatorProcedure('editor')
  .input(ZUpdateApiInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'api.update', targetType: 'api' }, (tx) =>
      updateApi(tx, input, ctx.now()),
    ),
  );
