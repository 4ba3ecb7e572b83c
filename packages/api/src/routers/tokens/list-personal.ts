import { listPersonalTokens } from '../../services/tokens/personal-tokens';
import { authedProcedure } from '../../trpc';

export const listPersonalProcedure = authedProcedure.query(({ ctx }) =>
  listPersonalTokens(ctx.db, ctx.actor.userId),
);
