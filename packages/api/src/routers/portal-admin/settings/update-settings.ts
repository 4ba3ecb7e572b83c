import { recordAudit } from '../../../audit/record-audit';
import { writeListing } from '../../../services/portal/listing';
import { writePortalSettings } from '../../../services/portal/portal-settings';
import { operatorProcedure } from '../../../trpc';
import { ZUpdatePortalSettingsInput } from './update-settings.types';

/** Saves the fields given; listed APIs and plans are replaced by the lists given. */
export const updatePortalSettingsProcedure = operatorProcedure('admin')
  .input(ZUpdatePortalSettingsInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { listedApiIds, listedPlanIds, ...fields } = input;
      const settings = await writePortalSettings(tx, fields);
      const listing = await writeListing(tx, { listedApiIds, listedPlanIds });
      await recordAudit(tx, ctx, {
        action: 'portal.settings.update',
        targetType: 'portal_settings',
        targetId: 'portal',
        before: { ...settings.before, ...listing.before },
        after: { ...settings.after, ...listing.after },
      });
      return { ...settings.after, ...listing.after };
    }),
  );
