import '@portico/ui/styles.css';
import '@portico/ui/styles-layout.css';
import './globals.css';
import { accentStyle } from '@portico/ui';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { loadBranding } from '../lib/branding';
import { Providers } from './providers';

// Branding and the catalogue are the operator's live settings: render per request.
export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const branding = await loadBranding();
  return {
    title: { default: branding.portalName, template: `%s · ${branding.portalName}` },
    description: `APIs, keys and usage at ${branding.portalName}`,
  };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const branding = await loadBranding();
  return (
    <html lang="en" style={accentStyle(branding.accentColor)}>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
