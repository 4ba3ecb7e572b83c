import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { notFound } from '../../../services/shared/domain-errors';
import { toUserView } from '../../../services/users/user-view';

/** The signed-in developer. */
export const portalMeProcedure = developerOnlyProcedure.query(async ({ ctx }) => {
  const user = await ctx.db.user.findUnique({ where: { id: ctx.actor.userId } });
  if (!user) throw notFound('user', ctx.actor.userId);
  return { user: toUserView(user), via: ctx.actor.via };
});
