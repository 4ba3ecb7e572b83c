import { router } from '../../trpc';
import { createCredentialProcedure } from './create-credential';
import { listCredentialsProcedure } from './list-credentials';
import { revokeCredentialProcedure } from './revoke-credential';

/** Consumer credentials other than API keys (basic, signing keys, client certificates). */
export const credentialsRouter = router({
  list: listCredentialsProcedure,
  create: createCredentialProcedure,
  revoke: revokeCredentialProcedure,
});
