import { recordAudit } from '../../audit/record-audit';
import { setConsumerStatus } from '../../services/consumers/consumers';
import { operatorProcedure } from '../../trpc';
import { ZConsumerIdInput } from './get-consumer.types';

export const suspendConsumerProcedure = operatorProcedure('editor')
  .input(ZConsumerIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await setConsumerStatus(tx, input.id, 'suspended');
      await recordAudit(tx, ctx, {
        action: 'consumer.suspend',
        targetType: 'consumer',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
