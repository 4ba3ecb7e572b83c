import { createMachineToken } from '../../services/tokens/machine-tokens';
import { operatorProcedure } from '../../trpc';
import { ZCreateMachineInput } from './create-machine.types';
import { issueTokenMutation } from './issue-token-mutation';

export const createMachineProcedure = operatorProcedure('admin')
  .input(ZCreateMachineInput)
  .mutation(issueTokenMutation('machine', createMachineToken));
