import { listUsers } from '../../services/users/members';
import { operatorProcedure } from '../../trpc';

export const listUsersProcedure = operatorProcedure('admin').query(({ ctx }) => listUsers(ctx.db));
