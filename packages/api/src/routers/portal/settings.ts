import { readPortalSettings } from '../../services/portal/portal-settings';
import { publicProcedure } from '../../trpc';

/** What the portal shows before anyone signs in: name, logo, colour, sign-up mode, gateway URL. */
export const portalSettingsProcedure = publicProcedure.query(async ({ ctx }) => {
  const settings = await readPortalSettings(ctx.db);
  return {
    portalName: settings.portalName,
    logoUrl: settings.logoUrl,
    accentColor: settings.accentColor,
    signUpMode: settings.signUpMode,
    publicGatewayUrl: settings.publicGatewayUrl,
  };
});
