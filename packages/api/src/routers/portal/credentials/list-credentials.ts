import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { listCredentials } from '../../../services/credentials/consumer-credentials';
import { loadOwnedApp } from '../../../services/portal/portal-apps';
import { ZListPortalCredentialsInput } from './credential.types';

/** The credentials of the developer's apps (or one app): never secret material. */
export const listPortalCredentialsProcedure = developerOnlyProcedure
  .input(ZListPortalCredentialsInput)
  .query(async ({ ctx, input }) => {
    if (input.appId) await loadOwnedApp(ctx.db, ctx.ownerScope, input.appId);
    return listCredentials(ctx.db, ctx.ownerScope, { consumerId: input.appId }, ctx.now());
  });
