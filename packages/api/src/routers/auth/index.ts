import { router } from '../../trpc';
import { acceptInviteProcedure } from './accept-invite';
import { meProcedure } from './me';
import { setupProcedure } from './setup';
import { setupStatusProcedure } from './setup-status';
import { signInProcedure } from './sign-in';
import { signOutProcedure } from './sign-out';

export const authRouter = router({
  setupStatus: setupStatusProcedure,
  setup: setupProcedure,
  signIn: signInProcedure,
  signOut: signOutProcedure,
  me: meProcedure,
  acceptInvite: acceptInviteProcedure,
});
