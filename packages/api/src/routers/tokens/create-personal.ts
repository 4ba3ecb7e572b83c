import { auditedIssue } from '../../audit/audited-write';
import { createPersonalToken } from '../../services/tokens/personal-tokens';
import { authedProcedure } from '../../trpc';
import { ZCreatePersonalInput } from './create-personal.types';

export const createPersonalProcedure = authedProcedure
  .input(ZCreatePersonalInput)
  .mutation(({ ctx, input }) =>
    auditedIssue(ctx, (tx) => createPersonalToken(tx, ctx.actor.userId, input, ctx.now()), {
      action: 'token.create_personal',
      targetType: 'personal_token',
      recordOf: (created) => created.record,
    }),
  );
