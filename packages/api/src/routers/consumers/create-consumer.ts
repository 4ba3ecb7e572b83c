import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { createConsumer } from '../../services/consumers/consumers';
import { ZCreateConsumerInput } from './create-consumer.types';

export const createConsumerProcedure = ownedResourceProcedure('editor')
  .input(ZCreateConsumerInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const consumer = await createConsumer(tx, ctx.ownerScope, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'consumer.create',
        targetType: 'consumer',
        targetId: consumer.id,
        after: consumer,
      });
      return consumer;
    }),
  );
