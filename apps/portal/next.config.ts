import type { NextConfig } from 'next';
import { loadPortalEnv } from './src/env';

const env = loadPortalEnv();

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // The development badge sits bottom-left by default, over the sidebar's signed-in developer.
  devIndicators: { position: 'bottom-right' },
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: env.PORTICO_PORTAL_SKIP_TYPECHECK },
  async rewrites() {
    // Each API page as Markdown for tools and agents: /apis/<slug>.md.
    return [{ source: '/apis/:slug([a-z0-9][a-z0-9-]*)\\.md', destination: '/api-markdown/:slug' }];
  },
};

export default nextConfig;
