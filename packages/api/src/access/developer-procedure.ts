import { TRPCError } from '@trpc/server';
import { authedProcedure } from '../trpc';

/**
 * The portal's signed-in procedures: developers only, acting on what they own (`ownerScope` is
 * always their user id). Operators are refused: they own no apps, and reach developers' apps
 * through the console's procedures instead.
 */
export const developerOnlyProcedure = authedProcedure.use(({ ctx, next }) => {
  const actor = ctx.actor;
  if (actor.kind !== 'developer') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'this is for developer accounts; operators use the console',
    });
  }
  return next({ ctx: { ...ctx, actor, ownerScope: actor.userId } });
});
