import { recordAudit } from '../../audit/record-audit';
import { setConsumerStatus } from '../../services/consumers/consumers';
import { operatorProcedure } from '../../trpc';
import { ZConsumerIdInput } from './get-consumer.types';

export const activateConsumerProcedure = operatorProcedure('editor')
  .input(ZConsumerIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await setConsumerStatus(tx, input.id, 'active');
      await recordAudit(tx, ctx, {
        action: 'consumer.activate',
        targetType: 'consumer',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
