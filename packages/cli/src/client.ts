import type { AppRouter } from '@portico/api';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';

export type PorticoClient = TRPCClient<AppRouter>;

export interface Connection {
  /** Control plane base URL without a trailing slash. */
  url: string;
  /** A personal access token (`pat_…`), sent as a Bearer credential. */
  token: string;
}

export const CLI_VERSION = '0.1.0';

/**
 * One request per call (httpLink, not batching): the CLI makes few calls and a batched failure
 * would blur which call the server refused.
 */
export function createPorticoClient(connection: Connection): PorticoClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${connection.url}/trpc`,
        headers: {
          authorization: `Bearer ${connection.token}`,
          'user-agent': `portico-cli/${CLI_VERSION}`,
        },
      }),
    ],
  });
}
