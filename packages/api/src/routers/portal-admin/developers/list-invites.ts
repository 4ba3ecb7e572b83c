import { listDeveloperInvites } from '../../../services/portal/developer-invites';
import { operatorProcedure } from '../../../trpc';

/** Invitations sent, newest first (accepted ones show when). */
export const listDeveloperInvitesProcedure = operatorProcedure('admin').query(({ ctx }) =>
  listDeveloperInvites(ctx.db),
);
