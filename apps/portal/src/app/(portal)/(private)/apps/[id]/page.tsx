import { PageHeader } from '@portico/ui';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { loadBranding } from '../../../../../lib/branding';
import { serverApi, serverErrorCode } from '../../../../../lib/server-api';
import { AppCredentials } from './app-credentials';
import { AppKeys } from './app-keys';
import { AppPlans } from './app-plans';

export const metadata: Metadata = { title: 'App' };

export default async function AppPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const api = await serverApi();
  const app = await api.portal.apps.get.query({ id }).catch((error: unknown) => {
    // Another developer's app answers NOT_FOUND, exactly like one that does not exist.
    if (serverErrorCode(error) === 'NOT_FOUND') notFound();
    throw error;
  });
  if (!app) notFound();
  const [plans, branding, credentials] = await Promise.all([
    api.portal.catalog.plans.query(),
    loadBranding(),
    api.portal.credentials.list.query({ appId: app.id }),
  ]);
  const { subscriptions, keys } = app;
  return (
    <>
      <div className="crumbs">
        <Link href="/apps">Apps</Link> / {app.name}
      </div>
      <PageHeader
        title={app.name}
        description={app.description ?? 'Subscribe to a plan, then create a key to call the APIs.'}
        actions={
          <Link href={`/usage?app=${app.id}`} className="pui-btn pui-btn-secondary">
            View usage
          </Link>
        }
      />
      <AppPlans
        appId={app.id}
        subscriptions={subscriptions.map((s) => ({
          id: s.id,
          planId: s.planId,
          planName: s.planName,
          status: s.status,
          createdAt: String(s.createdAt),
        }))}
        plans={plans.map((p) => ({
          id: p.id,
          name: p.name,
          description: p.description,
          rateLimit: p.rateLimit,
          quota: p.quota,
          approvalRequired: p.approvalRequired,
          apis: p.apis.map((a) => a.name),
        }))}
      />
      <AppKeys
        appId={app.id}
        appSuspended={app.status !== 'active'}
        gatewayUrl={branding.publicGatewayUrl}
        keys={keys.map((k) => ({
          id: k.id,
          name: k.name,
          start: k.start,
          status: k.status,
          createdAt: String(k.createdAt),
          expiresAt: k.expiresAt ? String(k.expiresAt) : null,
          lastUsedAt: k.lastUsedAt ? String(k.lastUsedAt) : null,
          rotatedFrom: k.rotatedFrom,
        }))}
      />
      <AppCredentials
        appId={app.id}
        appSuspended={app.status !== 'active'}
        credentials={credentials.map((c) => ({
          id: c.id,
          kind: c.kind,
          name: c.name,
          identifier: c.identifier,
          status: c.status,
          createdAt: new Date(c.createdAt).toISOString(),
          expiresAt: c.expiresAt ? new Date(c.expiresAt).toISOString() : null,
          lastUsedAt: c.lastUsedAt ? new Date(c.lastUsedAt).toISOString() : null,
        }))}
      />
    </>
  );
}
