import type { ReactNode } from 'react';
import { PortalShell } from '../../components/portal-shell';
import { loadBranding } from '../../lib/branding';
import { loadDeveloper } from '../../lib/session';

/** Catalogue and private pages share the shell; signed-out visitors see a sign-in link. */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const [branding, developer] = await Promise.all([loadBranding(), loadDeveloper()]);
  return (
    <PortalShell
      portalName={branding.portalName}
      logoUrl={branding.logoUrl}
      developer={developer ? { name: developer.name, email: developer.email } : null}
    >
      {children}
    </PortalShell>
  );
}
