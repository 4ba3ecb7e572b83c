import { listMachineTokens } from '../../services/tokens/machine-tokens';
import { operatorProcedure } from '../../trpc';

export const listMachineProcedure = operatorProcedure('admin').query(({ ctx }) =>
  listMachineTokens(ctx.db),
);
