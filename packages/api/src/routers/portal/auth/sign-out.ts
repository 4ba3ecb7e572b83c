import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { endCallerSession } from '../../auth/end-session';

/** Revokes the portal session server-side and clears its cookie. */
export const portalSignOutProcedure = developerOnlyProcedure.mutation(({ ctx }) =>
  endCallerSession(ctx, 'portal.sign_out'),
);
