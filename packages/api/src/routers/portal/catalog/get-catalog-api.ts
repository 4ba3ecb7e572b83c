import { getCatalogApi } from '../../../services/portal/catalog';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { publicProcedure } from '../../../trpc';
import { ZApiSlugInput } from './api-slug.types';

/** One listed API with its routes and OpenAPI document (as an object). Public. */
export const getCatalogApiProcedure = publicProcedure
  .input(ZApiSlugInput)
  .query(async ({ ctx, input }) => {
    const { publicGatewayUrl } = await readPortalSettings(ctx.db);
    return getCatalogApi(ctx.db, publicGatewayUrl, input.slug);
  });
