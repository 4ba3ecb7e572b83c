import { TRPCError } from '@trpc/server';
import { authedProcedure, type OperatorRole, roleAtLeast } from '../trpc';

/**
 * Consumers, their keys and subscriptions are reachable by operators (with at least
 * `minOperatorRole`) and by developers, who see and change only what they own.
 * `ownerScope` is the developer's user id, or null when the caller may reach every owner.
 */
export function ownedResourceProcedure(minOperatorRole: OperatorRole) {
  return authedProcedure.use(({ ctx, next }) => {
    const actor = ctx.actor;
    if (actor.kind === 'operator' && !roleAtLeast(actor.role, minOperatorRole)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `this needs the ${minOperatorRole} role or higher; you are ${actor.role}`,
      });
    }
    const ownerScope: string | null = actor.kind === 'developer' ? actor.userId : null;
    return next({ ctx: { ...ctx, actor, ownerScope } });
  });
}
