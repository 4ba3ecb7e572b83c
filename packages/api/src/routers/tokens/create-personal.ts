import { recordAudit } from '../../audit/record-audit';
import { createPersonalToken } from '../../services/tokens/personal-tokens';
import { authedProcedure } from '../../trpc';
import { ZCreatePersonalInput } from './create-personal.types';

export const createPersonalProcedure = authedProcedure
  .input(ZCreatePersonalInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const created = await createPersonalToken(tx, ctx.actor.userId, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'token.create_personal',
        targetType: 'personal_token',
        targetId: created.record.id,
        after: created.record,
      });
      return created;
    }),
  );
