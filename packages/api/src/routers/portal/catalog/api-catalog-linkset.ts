import { portalUrlOf } from '../../../services/mail/deliver';
import { listCatalog } from '../../../services/portal/catalog';
import {
  API_CATALOG_PROFILE,
  buildApiCatalogLinkset,
} from '../../../services/portal/machine-catalog';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { publicProcedure } from '../../../trpc';

/**
 * The body of `/.well-known/api-catalog` (RFC 9727): serve `linkset` as JSON with `contentType`.
 * Listed APIs only. Public.
 */
export const apiCatalogLinksetProcedure = publicProcedure.query(async ({ ctx }) => {
  const { publicGatewayUrl } = await readPortalSettings(ctx.db);
  const { apis } = await listCatalog(ctx.db, publicGatewayUrl, {});
  return {
    contentType: `application/linkset+json; profile="${API_CATALOG_PROFILE}"`,
    body: buildApiCatalogLinkset(portalUrlOf(ctx), apis),
  };
});
