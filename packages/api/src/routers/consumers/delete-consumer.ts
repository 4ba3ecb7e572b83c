import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { auditedDelete } from '../../audit/audited-write';
import { deleteConsumer } from '../../services/consumers/consumers';
import { ZConsumerIdInput } from './get-consumer.types';

/** Operators (editor+) or the owning developer; keys and subscriptions go with the consumer. */
export const deleteConsumerProcedure = ownedResourceProcedure('editor')
  .input(ZConsumerIdInput)
  .mutation(async ({ ctx, input }) => {
    const before = await auditedDelete(ctx, 'consumer', (tx) =>
      deleteConsumer(tx, ctx.ownerScope, input.id),
    );
    return { id: before.id };
  });
