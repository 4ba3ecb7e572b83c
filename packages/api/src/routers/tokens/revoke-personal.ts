import { auditedChange } from '../../audit/audited-write';
import { revokePersonalToken } from '../../services/tokens/personal-tokens';
import { authedProcedure } from '../../trpc';
import { ZRevokePersonalInput } from './revoke-personal.types';

export const revokePersonalProcedure = authedProcedure
  .input(ZRevokePersonalInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'token.revoke_personal', targetType: 'personal_token' }, (tx) =>
      revokePersonalToken(tx, ctx.actor.userId, input.id, ctx.now()),
    ),
  );
