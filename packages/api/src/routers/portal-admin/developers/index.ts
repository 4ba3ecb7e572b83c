import { router } from '../../../trpc';
import { approveDeveloperProcedure } from './approve-developer';
import { getDeveloperProcedure } from './get-developer';
import { inviteDeveloperProcedure } from './invite-developer';
import { listDevelopersProcedure } from './list-developers';
import { listDeveloperInvitesProcedure } from './list-invites';
import { pageDevelopersProcedure } from './page-developers';
import { reactivateDeveloperProcedure } from './reactivate-developer';
import { rejectDeveloperProcedure } from './reject-developer';
import { suspendDeveloperProcedure } from './suspend-developer';

export const portalDevelopersRouter = router({
  list: listDevelopersProcedure,
  page: pageDevelopersProcedure,
  get: getDeveloperProcedure,
  approve: approveDeveloperProcedure,
  reject: rejectDeveloperProcedure,
  suspend: suspendDeveloperProcedure,
  reactivate: reactivateDeveloperProcedure,
  invite: inviteDeveloperProcedure,
  invites: listDeveloperInvitesProcedure,
});
