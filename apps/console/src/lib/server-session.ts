import { headers } from 'next/headers';
import { cache } from 'react';
import { REQUEST_PATH_HEADER } from './request-path';
import { serverApi, serverErrorCode } from './server-api';
import type { RouterOutputs } from './trpc';

/**
 * The signed-in person as the control plane sees them (`auth.me`), read on the server before a
 * console page renders: `signed-out` when there is no valid session, `unknown` when the control
 * plane could not say (the page then renders and the client shows why).
 */
export const loadSession = cache(
  async (): Promise<RouterOutputs['auth']['me'] | 'signed-out' | 'unknown'> => {
    if (!(await headers()).get('cookie')) return 'signed-out';
    try {
      return await (await serverApi()).auth.me.query();
    } catch (error) {
      return serverErrorCode(error) === 'UNAUTHORIZED' ? 'signed-out' : 'unknown';
    }
  },
);

/** Where sign-in should return to: the page asked for, as the proxy recorded it. */
export async function requestedPath(): Promise<string> {
  const path = (await headers()).get(REQUEST_PATH_HEADER);
  return path?.startsWith('/') ? path : '/';
}
