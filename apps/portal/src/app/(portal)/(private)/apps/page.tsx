import { PageHeader } from '@portico/ui';
import type { Metadata } from 'next';
import { serverApi } from '../../../../lib/server-api';
import { AppsView } from './apps-view';

export const metadata: Metadata = { title: 'Apps & keys' };

export default async function AppsPage() {
  const apps = await (await serverApi()).portal.apps.list.query();
  return (
    <>
      <PageHeader
        title="Apps & keys"
        description="An app holds your keys and its plan subscription. Use one app per project or environment."
      />
      <AppsView
        apps={apps.map((app) => ({
          id: app.id,
          name: app.name,
          description: app.description,
          status: app.status,
          createdAt: String(app.createdAt),
          plans: app.subscriptions
            .filter((s) => s.status === 'active' || s.status === 'pending')
            .map((s) => ({ name: s.planName, status: s.status })),
          activeKeys: app.keys.filter((k) => k.status === 'active').length,
        }))}
      />
    </>
  );
}
