import { router } from '../../trpc';
import { portalAppsRouter } from './apps';
import { portalAuthRouter } from './auth';
import { portalCatalogRouter } from './catalog';
import { portalCredentialsRouter } from './credentials';
import { portalKeysRouter } from './keys';
import { portalSettingsProcedure } from './settings';
import { portalSubscriptionsRouter } from './subscriptions';
import { portalUsageRouter } from './usage';

/**
 * Everything the developer portal calls. Signed-in procedures are for developers only and act on
 * what the developer owns; anything else answers NOT_FOUND, as if it did not exist.
 */
export const portalRouter = router({
  settings: portalSettingsProcedure,
  auth: portalAuthRouter,
  catalog: portalCatalogRouter,
  apps: portalAppsRouter,
  subscriptions: portalSubscriptionsRouter,
  keys: portalKeysRouter,
  credentials: portalCredentialsRouter,
  usage: portalUsageRouter,
});
