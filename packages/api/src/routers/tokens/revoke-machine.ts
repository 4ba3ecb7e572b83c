import { auditedChange } from '../../audit/audited-write';
import { revokeMachineToken } from '../../services/tokens/machine-tokens';
import { operatorProcedure } from '../../trpc';
import { ZRevokeMachineInput } from './revoke-machine.types';

export const revokeMachineProcedure = operatorProcedure('admin')
  .input(ZRevokeMachineInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'token.revoke_machine', targetType: 'machine_token' }, (tx) =>
      revokeMachineToken(tx, input.id, ctx.now()),
    ),
  );
