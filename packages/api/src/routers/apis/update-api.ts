import { recordAudit } from '../../audit/record-audit';
import { updateApi } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZUpdateApiInput } from './update-api.types';

export const updateApiProcedure = operatorProcedure('editor')
  .input(ZUpdateApiInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await updateApi(tx, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'api.update',
        targetType: 'api',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
