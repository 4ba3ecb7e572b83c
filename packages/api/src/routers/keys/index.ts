import { router } from '../../trpc';
import { createKeyProcedure } from './create-key';
import { listKeysProcedure } from './list-keys';
import { revokeKeyProcedure } from './revoke-key';
import { rotateKeyProcedure } from './rotate-key';

export const keysRouter = router({
  list: listKeysProcedure,
  create: createKeyProcedure,
  rotate: rotateKeyProcedure,
  revoke: revokeKeyProcedure,
});
