import { listCatalog } from '../../../services/portal/catalog';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { publicProcedure } from '../../../trpc';
import { ZListCatalogInput } from './list-catalog.types';

/** Listed APIs (search, tag, version), plus every tag and version for the filters. Public. */
export const listCatalogProcedure = publicProcedure
  .input(ZListCatalogInput)
  .query(async ({ ctx, input }) => {
    const { publicGatewayUrl } = await readPortalSettings(ctx.db);
    return listCatalog(ctx.db, publicGatewayUrl, input);
  });
