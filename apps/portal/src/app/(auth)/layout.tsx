import Link from 'next/link';
import type { ReactNode } from 'react';
import { Logo } from '../../components/logo';
import { loadBranding } from '../../lib/branding';

/** The signed-out pages: the operator's brand above a centred card. */
export default async function AuthLayout({ children }: { children: ReactNode }) {
  const branding = await loadBranding();
  return (
    <div className="auth-page">
      <Link href="/apis" className="auth-brand">
        {branding.logoUrl ? (
          <Logo src={branding.logoUrl} />
        ) : (
          <span className="brand-mark" aria-hidden="true" />
        )}
        <span>{branding.portalName}</span>
      </Link>
      {children}
      <Link href="/apis" className="auth-browse">
        Browse the API catalogue →
      </Link>
    </div>
  );
}
