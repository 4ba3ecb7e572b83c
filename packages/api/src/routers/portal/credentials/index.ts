import { router } from '../../../trpc';
import { createPortalCredentialProcedure } from './create-credential';
import { listPortalCredentialsProcedure } from './list-credentials';
import { revokePortalCredentialProcedure } from './revoke-credential';

export const portalCredentialsRouter = router({
  list: listPortalCredentialsProcedure,
  create: createPortalCredentialProcedure,
  revoke: revokePortalCredentialProcedure,
});
