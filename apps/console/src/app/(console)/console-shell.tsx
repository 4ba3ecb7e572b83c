'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useEffect, useRef } from 'react';
import { SessionProvider, sessionFrom } from '../../components/session';
import { Skeleton } from '../../components/ui';
import { errorCode, errorMessage, type RouterOutputs, useTRPC } from '../../lib/trpc';

const NAV: { group: string; links: { href: string; label: string }[] }[] = [
  {
    group: 'Monitor',
    links: [
      { href: '/', label: 'Overview' },
      { href: '/analytics', label: 'Analytics' },
      { href: '/data-planes', label: 'Data planes' },
    ],
  },
  {
    group: 'Configure',
    links: [
      { href: '/apis', label: 'APIs' },
      { href: '/services', label: 'Services' },
      { href: '/registries', label: 'Registries' },
      { href: '/plans', label: 'Plans' },
      { href: '/config', label: 'Config & publish' },
    ],
  },
  {
    group: 'Access',
    links: [
      { href: '/consumers', label: 'Consumers' },
      { href: '/subscriptions', label: 'Subscriptions' },
      { href: '/keys', label: 'API keys' },
    ],
  },
  {
    group: 'Developer portal',
    links: [
      { href: '/approvals', label: 'Approvals' },
      { href: '/developers', label: 'Developers' },
      { href: '/portal-settings', label: 'Portal settings' },
    ],
  },
  {
    group: 'Admin',
    links: [
      { href: '/audit', label: 'Audit log' },
      { href: '/settings', label: 'Settings' },
    ],
  },
];

/**
 * A developer who signed in here belongs in the portal: their console session is ended and they
 * are sent there (the console's /portal route knows the portal's address).
 */
function DeveloperToPortal() {
  const trpc = useTRPC();
  const signOut = useMutation(trpc.auth.signOut.mutationOptions());
  const left = useRef(false);
  useEffect(() => {
    if (left.current) return;
    left.current = true;
    signOut.mutateAsync().then(
      () => window.location.replace('/portal'),
      () => window.location.replace('/portal'),
    );
  }, [signOut]);
  return (
    <div className="auth-page">
      <div className="auth-card">
        <h1>Developer portal</h1>
        <p>
          This console is for operators. Your developer account lives in the portal:{' '}
          <a href="/portal">taking you there</a>…
        </p>
      </div>
    </div>
  );
}

function isActive(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

type Me = RouterOutputs['auth']['me'];

/**
 * The signed-in console: sidebar and session (role) for every page. The layout checked the
 * session on the server and hands it over, so the first render needs no round trip; the client
 * keeps it fresh and sends a session that ends meanwhile to sign-in.
 */
export function ConsoleShell({
  children,
  initialMe,
}: {
  children: ReactNode;
  initialMe: Me | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const me = useQuery({
    ...trpc.auth.me.queryOptions(),
    ...(initialMe !== null ? { initialData: initialMe } : {}),
  });
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        router.replace('/sign-in');
      },
    }),
  );

  const unauthorized = me.isError && errorCode(me.error) === 'UNAUTHORIZED';
  useEffect(() => {
    if (unauthorized) router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
  }, [unauthorized, router, pathname]);

  if (me.isPending || unauthorized) {
    return (
      <div className="main">
        <Skeleton rows={6} />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="main">
        <div className="alert" role="alert">
          Could not load your session: {errorMessage(me.error)}
        </div>
      </div>
    );
  }
  const session = sessionFrom(me.data);
  if (me.data.user.kind !== 'operator') {
    return <DeveloperToPortal />;
  }

  return (
    <SessionProvider session={session}>
      <div className="shell">
        <nav className="sidebar" aria-label="Main">
          <div className="brand">
            Portico<span>.</span>
          </div>
          {NAV.map((group) => (
            <div key={group.group}>
              <div className="nav-group">{group.group}</div>
              {group.links.map((link) => (
                <Link
                  key={link.href}
                  href={link.href}
                  className="nav-link"
                  aria-current={isActive(pathname, link.href) ? 'page' : undefined}
                >
                  {link.label}
                </Link>
              ))}
            </div>
          ))}
          <div className="sidebar-footer">
            <div className="who" title={session.user.email}>
              {session.user.name || session.user.email}
            </div>
            <div style={{ margin: '2px 0 8px' }}>
              <span className="badge info" data-testid="my-role">
                {session.role}
              </span>
            </div>
            <button type="button" className="small" onClick={() => signOut.mutate()}>
              Sign out
            </button>
          </div>
        </nav>
        <main className="main">{children}</main>
      </div>
    </SessionProvider>
  );
}
