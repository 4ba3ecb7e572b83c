import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { listKeys } from '../../../services/keys/api-keys';
import { loadOwnedApp } from '../../../services/portal/portal-apps';
import { ZListPortalKeysInput } from './list-keys.types';

/**
 * The keys of the developer's apps: name, visible start, expiry (a rotated key's expiry is the
 * end of its grace period), last use and status. Never key material.
 */
export const listPortalKeysProcedure = developerOnlyProcedure
  .input(ZListPortalKeysInput)
  .query(async ({ ctx, input }) => {
    if (input.appId) await loadOwnedApp(ctx.db, ctx.ownerScope, input.appId);
    return listKeys(ctx.db, ctx.ownerScope, input.appId, ctx.now());
  });
