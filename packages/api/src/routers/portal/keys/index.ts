import { router } from '../../../trpc';
import { createPortalKeyProcedure } from './create-key';
import { listPortalKeysProcedure } from './list-keys';
import { pagePortalKeysProcedure } from './page-keys';
import { revokePortalKeyProcedure } from './revoke-key';
import { rotatePortalKeyProcedure } from './rotate-key';

export const portalKeysRouter = router({
  list: listPortalKeysProcedure,
  page: pagePortalKeysProcedure,
  create: createPortalKeyProcedure,
  rotate: rotatePortalKeyProcedure,
  revoke: revokePortalKeyProcedure,
});
