import { router } from '../../trpc';
import { createServiceProcedure } from './create-service';
import { deleteServiceProcedure } from './delete-service';
import { getServiceProcedure } from './get-service';
import { listServicesProcedure } from './list-services';
import { pageServicesProcedure } from './page-services';
import { updateServiceProcedure } from './update-service';

export const servicesRouter = router({
  list: listServicesProcedure,
  page: pageServicesProcedure,
  get: getServiceProcedure,
  create: createServiceProcedure,
  update: updateServiceProcedure,
  delete: deleteServiceProcedure,
});
