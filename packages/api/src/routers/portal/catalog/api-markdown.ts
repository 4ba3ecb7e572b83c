import { portalUrlOf } from '../../../services/mail/deliver';
import { getCatalogApi } from '../../../services/portal/catalog';
import { buildApiMarkdown } from '../../../services/portal/machine-catalog';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { publicProcedure } from '../../../trpc';
import { ZApiSlugInput } from './api-slug.types';

/** The body of `/apis/<slug>.md`; NOT_FOUND for anything not listed. Public. */
export const apiMarkdownProcedure = publicProcedure
  .input(ZApiSlugInput)
  .query(async ({ ctx, input }) => {
    const { publicGatewayUrl } = await readPortalSettings(ctx.db);
    const api = await getCatalogApi(ctx.db, publicGatewayUrl, input.slug);
    return {
      contentType: 'text/markdown; charset=utf-8',
      body: buildApiMarkdown(portalUrlOf(ctx), api),
    };
  });
