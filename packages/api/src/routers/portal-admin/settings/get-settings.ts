import { readListing } from '../../../services/portal/listing';
import { readPortalSettings } from '../../../services/portal/portal-settings';
import { operatorProcedure } from '../../../trpc';

/** The portal's settings with the ids of the listed APIs and plans. */
export const getPortalSettingsProcedure = operatorProcedure('viewer').query(async ({ ctx }) => {
  const [settings, listing] = await Promise.all([readPortalSettings(ctx.db), readListing(ctx.db)]);
  return { ...settings, ...listing };
});
