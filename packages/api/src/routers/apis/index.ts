import { router } from '../../trpc';
import { createApiProcedure } from './create-api';
import { deleteApiProcedure } from './delete-api';
import { getApiProcedure } from './get-api';
import { importOpenApiProcedure } from './import-openapi';
import { listApisProcedure } from './list-apis';
import { pageApisProcedure } from './page-apis';
import { updateApiProcedure } from './update-api';

export const apisRouter = router({
  list: listApisProcedure,
  page: pageApisProcedure,
  get: getApiProcedure,
  create: createApiProcedure,
  update: updateApiProcedure,
  delete: deleteApiProcedure,
  importOpenApi: importOpenApiProcedure,
});
