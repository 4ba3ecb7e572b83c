'use client';

import { AppShell, Button, type NavGroup } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { useTRPC } from '../lib/trpc';
import { Logo } from './logo';
import { useLeaveAfterSessionChange } from './use-session-change';

function isActive(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}

/** The portal frame: the operator's brand, navigation, and who is signed in. */
export function PortalShell({
  portalName,
  logoUrl,
  developer,
  children,
}: {
  portalName: string;
  logoUrl: string | null;
  developer: { name: string; email: string } | null;
  children: ReactNode;
}) {
  const pathname = usePathname();
  const leave = useLeaveAfterSessionChange();
  const trpc = useTRPC();
  const signOut = useMutation(
    trpc.portal.auth.signOut.mutationOptions({
      onSuccess: () => leave('/sign-in'),
    }),
  );
  const link = (href: string, label: string) => ({ href, label, active: isActive(pathname, href) });
  const nav: NavGroup[] = [
    { label: 'Explore', links: [link('/apis', 'API catalogue'), link('/plans', 'Plans')] },
  ];
  if (developer) {
    nav.push({
      label: 'Build',
      links: [link('/apps', 'Apps & keys'), link('/usage', 'Usage'), link('/account', 'Account')],
    });
  }
  return (
    <AppShell
      brand={
        <Link href="/apis" className="brand-link">
          {logoUrl ? <Logo src={logoUrl} /> : <span className="brand-mark" aria-hidden="true" />}
          <span data-testid="portal-name">{portalName}</span>
        </Link>
      }
      nav={nav}
      renderLink={(item, className) => (
        <Link
          href={item.href}
          className={className}
          aria-current={item.active ? 'page' : undefined}
        >
          {item.label}
        </Link>
      )}
      footer={
        developer ? (
          <div className="who">
            <div className="who-name">{developer.name}</div>
            <div className="who-email">{developer.email}</div>
          </div>
        ) : null
      }
      header={
        <>
          <div className="header-title">Developer portal</div>
          <div className="header-actions">
            {developer ? (
              <Button
                size="sm"
                variant="ghost"
                busy={signOut.isPending}
                onClick={() => signOut.mutate()}
              >
                Sign out
              </Button>
            ) : (
              <>
                <Link href="/sign-in" className="pui-btn pui-btn-ghost pui-btn-sm">
                  Sign in
                </Link>
                <Link href="/sign-up" className="pui-btn pui-btn-primary pui-btn-sm">
                  Get an API key
                </Link>
              </>
            )}
          </div>
        </>
      }
    >
      {children}
    </AppShell>
  );
}
