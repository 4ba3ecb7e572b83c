import { router } from '../../trpc';
import { createKeyProcedure } from './create-key';
import { listKeysProcedure } from './list-keys';
import { pageKeysProcedure } from './page-keys';
import { revokeKeyProcedure } from './revoke-key';
import { rotateKeyProcedure } from './rotate-key';

export const keysRouter = router({
  list: listKeysProcedure,
  page: pageKeysProcedure,
  create: createKeyProcedure,
  rotate: rotateKeyProcedure,
  revoke: revokeKeyProcedure,
});
