import { decideSignUpProcedure } from './decide-sign-up-procedure';

/** Declines a pending sign-up; the developer is mailed and the account cannot sign in. */
export const rejectDeveloperProcedure = decideSignUpProcedure('reject');
