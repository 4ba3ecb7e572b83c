import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { pageKeys } from '../../../services/keys/api-keys';
import { loadOwnedApp } from '../../../services/portal/portal-apps';
import { ZPagePortalKeysInput } from './page-keys.types';

/** One page of the keys of the developer's apps, newest first. Never key material. */
export const pagePortalKeysProcedure = developerOnlyProcedure
  .input(ZPagePortalKeysInput)
  .query(async ({ ctx, input }) => {
    if (input.appId) await loadOwnedApp(ctx.db, ctx.ownerScope, input.appId);
    const { appId, ...paging } = input;
    return pageKeys(ctx.db, {
      ownerScope: ctx.ownerScope,
      input: { ...paging, consumerId: appId },
      now: ctx.now(),
    });
  });
