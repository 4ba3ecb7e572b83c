'use client';

import type { AppRouter } from '@portico/api';
import { TooltipProvider } from '@portico/ui';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { type ReactNode, useState } from 'react';
import { errorCode } from '../lib/errors';
import { TRPCProvider } from '../lib/trpc';

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // Auth and permission failures will not fix themselves on a retry.
        retry: (failures, error) => {
          const code = errorCode(error);
          if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || code === 'NOT_FOUND') return false;
          return failures < 2;
        },
      },
    },
  });
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
