import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { auditedCreate } from '../../audit/audited-write';
import { createConsumer } from '../../services/consumers/consumers';
import { ZCreateConsumerInput } from './create-consumer.types';

export const createConsumerProcedure = ownedResourceProcedure('editor')
  .input(ZCreateConsumerInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'consumer.create', targetType: 'consumer' }, (tx) =>
      createConsumer(tx, ctx.ownerScope, input, ctx.now()),
    ),
  );
