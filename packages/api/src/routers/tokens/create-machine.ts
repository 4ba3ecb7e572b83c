import { recordAudit } from '../../audit/record-audit';
import { createMachineToken } from '../../services/tokens/machine-tokens';
import { operatorProcedure } from '../../trpc';
import { ZCreateMachineInput } from './create-machine.types';

export const createMachineProcedure = operatorProcedure('admin')
  .input(ZCreateMachineInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const created = await createMachineToken(tx, ctx.actor.userId, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'token.create_machine',
        targetType: 'machine_token',
        targetId: created.record.id,
        after: created.record,
      });
      return created;
    }),
  );
