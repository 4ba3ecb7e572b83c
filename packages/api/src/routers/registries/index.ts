import { router } from '../../trpc';
import { createRegistryProcedure } from './create-registry';
import { deleteRegistryProcedure } from './delete-registry';
import { getRegistryProcedure } from './get-registry';
import { listRegistriesProcedure } from './list-registries';
import { pageRegistriesProcedure } from './page-registries';
import { registryInstancesProcedure } from './registry-instances';
import { testRegistryProcedure } from './test-registry';
import { updateRegistryProcedure } from './update-registry';

export const registriesRouter = router({
  list: listRegistriesProcedure,
  page: pageRegistriesProcedure,
  get: getRegistryProcedure,
  create: createRegistryProcedure,
  update: updateRegistryProcedure,
  delete: deleteRegistryProcedure,
  test: testRegistryProcedure,
  instances: registryInstancesProcedure,
});
