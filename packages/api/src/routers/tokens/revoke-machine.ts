import { recordAudit } from '../../audit/record-audit';
import { revokeMachineToken } from '../../services/tokens/machine-tokens';
import { operatorProcedure } from '../../trpc';
import { ZRevokeMachineInput } from './revoke-machine.types';

export const revokeMachineProcedure = operatorProcedure('admin')
  .input(ZRevokeMachineInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await revokeMachineToken(tx, input.id, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'token.revoke_machine',
        targetType: 'machine_token',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
