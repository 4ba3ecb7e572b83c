import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { listOwnedApps, loadOwnedApp } from '../../../services/portal/portal-apps';
import { ZAppIdInput } from './app-id.types';

/** One of the developer's apps with its subscriptions and keys. */
export const getAppProcedure = developerOnlyProcedure
  .input(ZAppIdInput)
  .query(async ({ ctx, input }) => {
    const app = await loadOwnedApp(ctx.db, ctx.ownerScope, input.id, 'id');
    const [view] = await listOwnedApps(ctx.db, ctx.ownerScope, ctx.now(), app.id);
    return view ?? null;
  });
