import { router } from '../../trpc';
import { portalApprovalsRouter } from './approvals';
import { portalDevelopersRouter } from './developers';
import { portalSettingsAdminRouter } from './settings';

/**
 * The operators' side of the portal, called from the console: settings and listing, developer
 * accounts (sign-up approval, suspension, invitations). Developers get FORBIDDEN. Subscription
 * approvals are the existing `subscriptions.*` procedures, which cover developers' apps.
 */
export const portalAdminRouter = router({
  settings: portalSettingsAdminRouter,
  developers: portalDevelopersRouter,
  approvals: portalApprovalsRouter,
});
