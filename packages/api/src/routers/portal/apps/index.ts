import { router } from '../../../trpc';
import { createAppProcedure } from './create-app';
import { deleteAppProcedure } from './delete-app';
import { getAppProcedure } from './get-app';
import { listAppsProcedure } from './list-apps';
import { pageAppsProcedure } from './page-apps';
import { updateAppProcedure } from './update-app';

export const portalAppsRouter = router({
  list: listAppsProcedure,
  page: pageAppsProcedure,
  get: getAppProcedure,
  create: createAppProcedure,
  update: updateAppProcedure,
  delete: deleteAppProcedure,
});
