import { listOwnedApps } from '../../../services/portal/portal-apps';
import { notFound } from '../../../services/shared/domain-errors';
import { toUserView } from '../../../services/users/user-view';
import { operatorProcedure } from '../../../trpc';
import { ZDeveloperIdInput } from './developer-id.types';

/** One developer with their apps, subscriptions and keys (never key material). */
export const getDeveloperProcedure = operatorProcedure('viewer')
  .input(ZDeveloperIdInput)
  .query(async ({ ctx, input }) => {
    const user = await ctx.db.user.findUnique({ where: { id: input.id } });
    if (user?.kind !== 'developer') throw notFound('developer', input.id);
    return { ...toUserView(user), apps: await listOwnedApps(ctx.db, user.id, ctx.now()) };
  });
