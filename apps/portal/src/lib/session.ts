import { cache } from 'react';
import { serverApi, serverErrorCode } from './server-api';
import type { RouterOutputs } from './trpc';

export type Developer = RouterOutputs['portal']['auth']['me']['user'];

/**
 * The signed-in developer, or null when there is no valid developer session (no cookie, expired,
 * signed out, or an operator's session). Other failures are thrown to the error boundary.
 */
export const loadDeveloper = cache(async (): Promise<Developer | null> => {
  try {
    const me = await (await serverApi()).portal.auth.me.query();
    return me.user;
  } catch (error) {
    const code = serverErrorCode(error);
    if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN') return null;
    throw error;
  }
});
