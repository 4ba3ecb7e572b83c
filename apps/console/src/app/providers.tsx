'use client';

import type { AppRouter } from '@portico/api';
import { QUERY_DEFAULTS } from '@portico/ui';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { type ReactNode, useState } from 'react';
import { TRPCProvider } from '../lib/trpc';

/** Longest GET URL a tRPC batch may use; well under the 8 KB many servers and proxies allow. */
export const MAX_TRPC_URL_LENGTH = 2_000;

function makeQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: QUERY_DEFAULTS } });
}

/** One query client and tRPC client per browser tab; /trpc is proxied to the control plane. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // apps/control mounts the fastify adapter with batching on (its default). A page that
      // asks for many queries at once (Analytics: eight) puts them all in one GET URL; batches
      // are split to keep each URL under this, well within what proxies in between accept.
      links: [httpBatchLink({ url: '/trpc', maxURLLength: MAX_TRPC_URL_LENGTH })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
