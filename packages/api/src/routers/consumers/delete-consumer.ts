import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { deleteConsumer } from '../../services/consumers/consumers';
import { ZConsumerIdInput } from './get-consumer.types';

/** Operators (editor+) or the owning developer; keys and subscriptions go with the consumer. */
export const deleteConsumerProcedure = ownedResourceProcedure('editor')
  .input(ZConsumerIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const before = await deleteConsumer(tx, ctx.ownerScope, input.id);
      await recordAudit(tx, ctx, {
        action: 'consumer.delete',
        targetType: 'consumer',
        targetId: before.id,
        before,
      });
      return { id: before.id };
    }),
  );
