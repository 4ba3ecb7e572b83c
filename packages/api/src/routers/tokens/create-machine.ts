import { auditedIssue } from '../../audit/audited-write';
import { createMachineToken } from '../../services/tokens/machine-tokens';
import { operatorProcedure } from '../../trpc';
import { ZCreateMachineInput } from './create-machine.types';

export const createMachineProcedure = operatorProcedure('admin')
  .input(ZCreateMachineInput)
  .mutation(({ ctx, input }) =>
    auditedIssue(ctx, (tx) => createMachineToken(tx, ctx.actor.userId, input, ctx.now()), {
      action: 'token.create_machine',
      targetType: 'machine_token',
      recordOf: (created) => created.record,
    }),
  );
