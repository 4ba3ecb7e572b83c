import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { pageOwnedApps } from '../../../services/portal/portal-apps';
import { ZPagePortalAppsInput } from './page-apps.types';

/** One page of the developer's apps with their subscriptions and keys (never key material). */
export const pageAppsProcedure = developerOnlyProcedure
  .input(ZPagePortalAppsInput)
  .query(({ ctx, input }) =>
    pageOwnedApps(ctx.db, { ownerId: ctx.ownerScope, input, now: ctx.now() }),
  );
