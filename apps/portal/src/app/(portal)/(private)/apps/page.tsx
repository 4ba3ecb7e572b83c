import { cursorTrail, PageHeader } from '@portico/ui';
import type { Metadata } from 'next';
import { serverApi } from '../../../../lib/server-api';
import { AppsView } from './apps-view';

export const metadata: Metadata = { title: 'Apps & keys' };

/** Apps on one page of the list. */
const APPS_PAGE_SIZE = 20;

export default async function AppsPage({
  searchParams,
}: {
  searchParams: Promise<{ pages?: string }>;
}) {
  // The pages walked live in the URL (`?pages=`), so a reload or Back returns to the same page.
  const trail = cursorTrail((await searchParams).pages);
  const page = await (await serverApi()).portal.apps.page.query({
    limit: APPS_PAGE_SIZE,
    ...(trail.cursor ? { cursor: trail.cursor } : {}),
  });
  const apps = page.items;
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
        paging={{
          index: trail.index,
          pageSize: APPS_PAGE_SIZE,
          total: page.total,
          previous: trail.previous,
          next: page.nextCursor === null ? null : trail.next(page.nextCursor),
        }}
      />
    </>
  );
}
