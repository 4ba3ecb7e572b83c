import { router } from '../../trpc';
import { activateConsumerProcedure } from './activate-consumer';
import { createConsumerProcedure } from './create-consumer';
import { deleteConsumerProcedure } from './delete-consumer';
import { getConsumerProcedure } from './get-consumer';
import { listConsumersProcedure } from './list-consumers';
import { pageConsumersProcedure } from './page-consumers';
import { suspendConsumerProcedure } from './suspend-consumer';
import { updateConsumerProcedure } from './update-consumer';

export const consumersRouter = router({
  list: listConsumersProcedure,
  page: pageConsumersProcedure,
  get: getConsumerProcedure,
  create: createConsumerProcedure,
  update: updateConsumerProcedure,
  suspend: suspendConsumerProcedure,
  activate: activateConsumerProcedure,
  delete: deleteConsumerProcedure,
});
