import { router } from '../../trpc';
import { createMachineProcedure } from './create-machine';
import { createPersonalProcedure } from './create-personal';
import { listMachineProcedure } from './list-machine';
import { listPersonalProcedure } from './list-personal';
import { revokeMachineProcedure } from './revoke-machine';
import { revokePersonalProcedure } from './revoke-personal';

export const tokensRouter = router({
  listPersonal: listPersonalProcedure,
  createPersonal: createPersonalProcedure,
  revokePersonal: revokePersonalProcedure,
  listMachine: listMachineProcedure,
  createMachine: createMachineProcedure,
  revokeMachine: revokeMachineProcedure,
});
