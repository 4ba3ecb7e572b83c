import { createFirstOwner } from '../../services/auth/accounts';
import { publicProcedure } from '../../trpc';
import { openAccountSession } from './open-account-session';
import { ZSetupInput } from './setup.types';

/** First run: creates the owner and signs them in. Refused once any operator exists. */
export const setupProcedure = publicProcedure.input(ZSetupInput).mutation(({ ctx, input }) =>
  openAccountSession(ctx, {
    password: input.password,
    auditAction: 'auth.setup',
    open: (tx, passwordHash, now) =>
      createFirstOwner(tx, { email: input.email, name: input.name, passwordHash }, now),
  }),
);
