import { portalUrlOf } from '../../../services/mail/deliver';
import { listCatalog } from '../../../services/portal/catalog';
import { buildLlmsTxt } from '../../../services/portal/machine-catalog';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { publicProcedure } from '../../../trpc';

/** The body of `/llms.txt`: one line per listed API. Public. */
export const llmsTxtProcedure = publicProcedure.query(async ({ ctx }) => {
  const { publicGatewayUrl, portalName } = await readPortalSettings(ctx.db);
  const { apis } = await listCatalog(ctx.db, publicGatewayUrl, {});
  return {
    contentType: 'text/plain; charset=utf-8',
    body: buildLlmsTxt(portalName, portalUrlOf(ctx), apis),
  };
});
