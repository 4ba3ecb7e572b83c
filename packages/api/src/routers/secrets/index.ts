import { router } from '../../trpc';
import { createSecretProcedure } from './create-secret';
import { deleteSecretProcedure } from './delete-secret';
import { listSecretsProcedure } from './list-secrets';
import { updateSecretProcedure } from './update-secret';

/** Named shared secrets (HS256 keys for jwt auth): write-only values, admin-managed. */
export const secretsRouter = router({
  list: listSecretsProcedure,
  create: createSecretProcedure,
  update: updateSecretProcedure,
  delete: deleteSecretProcedure,
});
