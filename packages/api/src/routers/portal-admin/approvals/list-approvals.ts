import { listPendingApprovals } from '../../../services/portal/developer-admin';
import { operatorProcedure } from '../../../trpc';

/**
 * What waits for an operator: pending sign-ups (decide with portalAdmin.developers.approve or
 * reject) and pending subscriptions with the owning developer (decide with subscriptions.approve
 * or reject).
 */
export const listApprovalsProcedure = operatorProcedure('viewer').query(({ ctx }) =>
  listPendingApprovals(ctx.db),
);
