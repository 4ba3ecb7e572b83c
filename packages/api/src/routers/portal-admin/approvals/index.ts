import { router } from '../../../trpc';
import { listApprovalsProcedure } from './list-approvals';

export const portalApprovalsRouter = router({
  list: listApprovalsProcedure,
});
