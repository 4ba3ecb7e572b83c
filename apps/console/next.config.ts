import type { NextConfig } from 'next';
import { loadConsoleEnv } from './src/env';

const env = loadConsoleEnv();

const nextConfig: NextConfig = {
  poweredByHeader: false,
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
  // Same-origin tRPC: the control plane's HttpOnly session cookie is then first-party.
  async rewrites() {
    return [{ source: '/trpc/:path*', destination: `${env.PORTICO_CONTROL_URL}/trpc/:path*` }];
  },
};

export default nextConfig;
