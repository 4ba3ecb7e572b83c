import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { signedInUser } from '../../auth/me';

/** The signed-in developer. */
export const portalMeProcedure = developerOnlyProcedure.query(({ ctx }) => signedInUser(ctx));
