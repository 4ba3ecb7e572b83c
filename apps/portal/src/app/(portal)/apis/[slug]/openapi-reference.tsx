'use client';

import '@scalar/api-reference-react/style.css';
import { Skeleton } from '@portico/ui';
import dynamic from 'next/dynamic';

// Scalar's reference is a browser component (it mounts a Vue app): load it on the client only.
const ApiReferenceReact = dynamic(
  () => import('@scalar/api-reference-react').then((m) => m.ApiReferenceReact),
  { ssr: false, loading: () => <Skeleton rows={8} /> },
);

/**
 * The API's reference rendered from its OpenAPI document by Scalar. Its own request client is
 * hidden (it would call the gateway from the browser, across origins); Try it above goes through
 * the portal. The document's servers are replaced by the gateway URL developers call, and the
 * reference makes no calls of its own to Scalar's hosted services.
 */
export function OpenApiReference({
  document,
  gatewayUrl,
}: {
  document: Record<string, unknown>;
  gatewayUrl: string;
}) {
  return (
    <div className="reference" data-testid="openapi-reference">
      <ApiReferenceReact
        configuration={{
          content: { ...document, servers: [{ url: gatewayUrl }] },
          hideTestRequestButton: true,
          hideClientButton: true,
          hideDarkModeToggle: true,
          forceDarkModeState: 'light',
          withDefaultFonts: false,
          showSidebar: false,
          layout: 'modern',
          hideDownloadButton: false,
          // Nothing leaves the developer's browser for Scalar's services: no telemetry, no
          // hosted agent, no SDK generator or developer toolbar (shown on localhost otherwise).
          telemetry: false,
          agent: { disabled: true },
          showDeveloperTools: 'never',
        }}
      />
    </div>
  );
}
