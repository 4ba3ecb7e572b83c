import { acceptInvite } from '../../services/auth/accounts';
import { publicProcedure } from '../../trpc';
import { ZAcceptInviteInput } from './accept-invite.types';
import { openAccountSession } from './open-account-session';

export const acceptInviteProcedure = publicProcedure
  .input(ZAcceptInviteInput)
  .mutation(({ ctx, input }) =>
    openAccountSession(ctx, {
      password: input.password,
      auditAction: 'auth.accept_invite',
      open: (tx, passwordHash, now) =>
        acceptInvite(tx, { token: input.token, name: input.name, passwordHash }, now),
    }),
  );
