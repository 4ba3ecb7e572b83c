import { recordAudit } from '../../audit/record-audit';
import { revokePersonalToken } from '../../services/tokens/personal-tokens';
import { authedProcedure } from '../../trpc';
import { ZRevokePersonalInput } from './revoke-personal.types';

export const revokePersonalProcedure = authedProcedure
  .input(ZRevokePersonalInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await revokePersonalToken(
        tx,
        ctx.actor.userId,
        input.id,
        ctx.now(),
      );
      await recordAudit(tx, ctx, {
        action: 'token.revoke_personal',
        targetType: 'personal_token',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
