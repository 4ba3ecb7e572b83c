import { auditedCreate } from '../../audit/audited-write';
import { createApi } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZCreateApiInput } from './create-api.types';

export const createApiProcedure = operatorProcedure('editor')
  .input(ZCreateApiInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'api.create', targetType: 'api' }, (tx) =>
      createApi(tx, input, ctx.now()),
    ),
  );
