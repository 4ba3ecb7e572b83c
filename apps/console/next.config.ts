import type { NextConfig } from 'next';
import { loadConsoleEnv } from './src/env';

const env = loadConsoleEnv();

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // The development badge sits bottom-left by default, over the sidebar's Sign out button.
  devIndicators: { position: 'bottom-right' },
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: env.PORTICO_CONSOLE_SKIP_TYPECHECK },
  // The shared zod rules in @portico/config import node:net and node:crypto for server-side
  // checks; in the browser they resolve to small stand-ins (see src/shims).
  turbopack: {
    resolveAlias: {
      'node:net': { browser: './src/shims/node-net.ts' },
      'node:crypto': { browser: './src/shims/node-crypto.ts' },
    },
  },
  // Same-origin tRPC (so the control plane's HttpOnly session cookie is first-party) is served
  // by src/app/trpc/[...path]/route.ts, which reads PORTICO_CONTROL_URL at request time.
};

export default nextConfig;
