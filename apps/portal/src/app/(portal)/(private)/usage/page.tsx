import { PageHeader } from '@portico/ui';
import type { Metadata } from 'next';
import { serverApi } from '../../../../lib/server-api';
import { UsageView } from './usage-view';
import { WINDOWS, type Window } from './usage-windows';

export const metadata: Metadata = { title: 'Usage' };

/** Filters (app, key, window) live in the URL so a view can be bookmarked and shared. */
export default async function UsagePage({
  searchParams,
}: {
  searchParams: Promise<{ app?: string; key?: string; window?: string }>;
}) {
  const params = await searchParams;
  const apps = await (await serverApi()).portal.apps.list.query();
  const window: Window = WINDOWS.some((w) => w.value === params.window)
    ? (params.window as Window)
    : '1h';
  const appId = apps.some((a) => a.id === params.app)
    ? (params.app ?? null)
    : (apps[0]?.id ?? null);
  const appKeys = apps.find((a) => a.id === appId)?.keys ?? [];
  const keyId = appKeys.some((k) => k.id === params.key) ? (params.key ?? null) : null;
  return (
    <>
      <PageHeader
        title="Usage"
        description="Calls, errors and latency of your apps through the gateway. Refreshes by itself."
      />
      <UsageView
        apps={apps.map((a) => ({ id: a.id, name: a.name }))}
        keys={appKeys.map((k) => ({ id: k.id, label: `${k.name} (${k.start}…)` }))}
        appId={appId}
        keyId={keyId}
        window={window}
      />
    </>
  );
}
