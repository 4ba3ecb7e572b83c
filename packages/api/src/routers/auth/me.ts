import { loadUser } from '../../services/users/load-user';
import { toUserView } from '../../services/users/user-view';
import { type Actor, type ApiContext, authedProcedure } from '../../trpc';

/** The signed-in user and how they came (session or token): what both `me` procedures answer. */
export async function signedInUser(ctx: Pick<ApiContext, 'db'> & { actor: Actor }) {
  return { user: toUserView(await loadUser(ctx.db, ctx.actor.userId)), via: ctx.actor.via };
}

export const meProcedure = authedProcedure.query(({ ctx }) => signedInUser(ctx));
