import { recordAudit } from '../../audit/record-audit';
import { createApi } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZCreateApiInput } from './create-api.types';

export const createApiProcedure = operatorProcedure('editor')
  .input(ZCreateApiInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const api = await createApi(tx, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'api.create',
        targetType: 'api',
        targetId: api.id,
        after: api,
      });
      return api;
    }),
  );
