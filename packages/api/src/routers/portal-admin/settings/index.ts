import { router } from '../../../trpc';
import { getPortalSettingsProcedure } from './get-settings';
import { updatePortalSettingsProcedure } from './update-settings';

export const portalSettingsAdminRouter = router({
  get: getPortalSettingsProcedure,
  update: updatePortalSettingsProcedure,
});
