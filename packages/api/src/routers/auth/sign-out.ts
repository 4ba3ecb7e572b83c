import { authedProcedure } from '../../trpc';
import { endCallerSession } from './end-session';

/** Revokes the calling session server-side and clears the cookie. */
export const signOutProcedure = authedProcedure.mutation(({ ctx }) =>
  endCallerSession(ctx, 'auth.sign_out'),
);
