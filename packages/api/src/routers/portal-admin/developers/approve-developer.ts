import { decideSignUpProcedure } from './decide-sign-up-procedure';

/** Approves a pending sign-up; the developer is mailed and may sign in once verified. */
export const approveDeveloperProcedure = decideSignUpProcedure('approve');
