import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { listOwnedApps } from '../../../services/portal/portal-apps';

/** The developer's apps with their subscriptions and keys (never key material). */
export const listAppsProcedure = developerOnlyProcedure.query(({ ctx }) =>
  listOwnedApps(ctx.db, ctx.ownerScope, ctx.now()),
);
