import { router } from '../../trpc';
import { activateConsumerProcedure } from './activate-consumer';
import { createConsumerProcedure } from './create-consumer';
import { deleteConsumerProcedure } from './delete-consumer';
import { getConsumerProcedure } from './get-consumer';
import { listConsumersProcedure } from './list-consumers';
import { suspendConsumerProcedure } from './suspend-consumer';
import { updateConsumerProcedure } from './update-consumer';

export const consumersRouter = router({
  list: listConsumersProcedure,
  get: getConsumerProcedure,
  create: createConsumerProcedure,
  update: updateConsumerProcedure,
  suspend: suspendConsumerProcedure,
  activate: activateConsumerProcedure,
  delete: deleteConsumerProcedure,
});
