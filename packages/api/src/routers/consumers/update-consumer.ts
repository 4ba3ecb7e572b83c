import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { updateConsumer } from '../../services/consumers/consumers';
import { ZUpdateConsumerInput } from './update-consumer.types';

export const updateConsumerProcedure = ownedResourceProcedure('editor')
  .input(ZUpdateConsumerInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await updateConsumer(tx, ctx.ownerScope, input);
      await recordAudit(tx, ctx, {
        action: 'consumer.update',
        targetType: 'consumer',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
