import { router } from '../../trpc';
import { disableUserProcedure } from './disable-user';
import { inviteUserProcedure } from './invite-user';
import { listUsersProcedure } from './list-users';
import { updateRoleProcedure } from './update-role';

export const usersRouter = router({
  list: listUsersProcedure,
  invite: inviteUserProcedure,
  updateRole: updateRoleProcedure,
  disable: disableUserProcedure,
});
