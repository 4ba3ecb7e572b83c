'use client';

import type { AppRouter } from '@portico/api';
import { QUERY_DEFAULTS, TooltipProvider } from '@portico/ui';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { type ReactNode, useState } from 'react';
import { TRPCProvider } from '../lib/trpc';

function makeQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: QUERY_DEFAULTS } });
}

/** One query client and tRPC client per browser tab; /trpc is proxied to the control plane. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/trpc' })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <TooltipProvider delayDuration={300}>{children}</TooltipProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
