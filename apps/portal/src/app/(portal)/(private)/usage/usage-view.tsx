'use client';

import {
  Alert,
  BarChart,
  Card,
  EmptyState,
  errorMessage,
  Meter,
  SelectField,
  Skeleton,
  Stat,
  TimeSeriesChart,
} from '@portico/ui';
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { count, dateTime } from '../../../../lib/format';
import { useTRPC } from '../../../../lib/trpc';
import { WINDOWS, type Window } from './usage-windows';

/** How often the figures refresh by themselves. */
const REFRESH_MS = 5_000;

/** A window that ends now, rounded to the refresh interval so the query key is stable between refreshes. */
function windowOf(window: Window, now: number) {
  const spec = WINDOWS.find((w) => w.value === window) ?? WINDOWS[1];
  const to = Math.ceil(now / 60_000) * 60_000;
  return {
    from: new Date(to - spec.ms).toISOString(),
    to: new Date(to).toISOString(),
    granularity: spec.granularity,
  };
}

function timeLabel(iso: string, granularity: string): string {
  const d = new Date(iso);
  return granularity === 'day'
    ? d.toLocaleDateString('en', { month: 'short', day: 'numeric' })
    : d.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' });
}

export function UsageView({
  apps,
  keys,
  appId,
  keyId,
  window,
}: {
  apps: { id: string; name: string }[];
  keys: { id: string; label: string }[];
  appId: string | null;
  keyId: string | null;
  window: Window;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const setParam = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams({
      ...(appId ? { app: appId } : {}),
      ...(keyId ? { key: keyId } : {}),
      window,
    });
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    router.replace(`${pathname}?${next.toString()}`);
  };
  const { from, to, granularity } = windowOf(window, Date.now());
  const filters = {
    from,
    to,
    ...(appId ? { consumerId: appId } : {}),
    ...(keyId ? { keyId } : {}),
  };
  const live = {
    refetchInterval: REFRESH_MS,
    enabled: appId !== null,
    placeholderData: <T,>(previous: T | undefined) => previous,
  };
  const series = useQuery({
    ...trpc.portal.usage.series.queryOptions({ ...filters, granularity }),
    ...live,
  });
  const errors = useQuery({ ...trpc.portal.usage.errors.queryOptions(filters), ...live });
  const latency = useQuery({ ...trpc.portal.usage.latency.queryOptions(filters), ...live });
  const quota = useQuery({
    ...trpc.portal.usage.quota.queryOptions(appId ? { appId } : {}),
    ...live,
  });

  if (apps.length === 0) {
    return (
      <EmptyState title="No apps yet">Create an app and a key; its calls show up here.</EmptyState>
    );
  }
  const failure = series.error ?? errors.error ?? latency.error ?? quota.error;
  const points = (series.data ?? []).map((p) => ({
    time: timeLabel(p.time, granularity),
    requests: p.requests,
    errors: p.errors,
  }));
  const totalRequests = points.reduce((sum, p) => sum + p.requests, 0);
  const totalErrors = points.reduce((sum, p) => sum + p.errors, 0);
  const limited = errors.data?.throttled ?? 0;
  const byCode = (errors.data?.byErrorCode ?? []).map((e) => ({
    code: e.errorCode,
    count: e.count,
  }));

  return (
    <>
      <div className="filters">
        <SelectField
          label="App"
          value={appId ?? ''}
          options={apps.map((a) => ({ value: a.id, label: a.name }))}
          onChange={(e) => setParam({ app: e.target.value, key: null })}
        />
        <SelectField
          label="Key"
          value={keyId ?? ''}
          options={[
            { value: '', label: 'All keys' },
            ...keys.map((k) => ({ value: k.id, label: k.label })),
          ]}
          onChange={(e) => setParam({ key: e.target.value || null })}
        />
        <SelectField
          label="Window"
          value={window}
          options={WINDOWS.map((w) => ({ value: w.value, label: w.label }))}
          onChange={(e) => setParam({ window: e.target.value })}
        />
      </div>
      {failure ? <Alert>{errorMessage(failure)}</Alert> : null}
      <Card>
        <div className="grid-4">
          <Stat
            label="Calls"
            value={series.data ? count(totalRequests) : '…'}
            testId="usage-calls"
          />
          <Stat
            label="Errors"
            value={series.data ? count(totalErrors) : '…'}
            testId="usage-errors"
          />
          <Stat
            label="Rate limited (429)"
            value={errors.data ? count(limited) : '…'}
            testId="usage-429"
          />
          <Stat
            label="Latency p50 / p95"
            value={
              latency.data ? `${fmtMs(latency.data.p50Ms)} / ${fmtMs(latency.data.p95Ms)}` : '…'
            }
            testId="usage-latency"
          />
        </div>
      </Card>
      <div className="grid-2">
        <Card title="Calls over time">
          {series.data ? (
            <TimeSeriesChart
              label="Calls and errors over time"
              data={points}
              x="time"
              series={[
                { key: 'requests', label: 'Calls' },
                { key: 'errors', label: 'Errors', color: '#c92a2a' },
              ]}
            />
          ) : (
            <Skeleton rows={6} />
          )}
        </Card>
        <Card title="Errors by code">
          {errors.data ? (
            byCode.length === 0 ? (
              <EmptyState title="No errors in this window" />
            ) : (
              <BarChart
                label="Errors by code"
                data={byCode}
                x="code"
                series={[{ key: 'count', label: 'Errors', color: '#c92a2a' }]}
              />
            )
          ) : (
            <Skeleton rows={6} />
          )}
        </Card>
      </div>
      <Card title="Quota this period" testId="quota-card">
        {quota.data ? (
          quota.data.length === 0 ? (
            <p className="pui-muted">No active subscription of this app has a quota.</p>
          ) : (
            <div className="stack">
              {quota.data.map((q) => (
                <div key={q.subscriptionId} className="stack" style={{ gap: 6 }}>
                  <div className="row-between">
                    <strong>{q.planName}</strong>
                    <span data-testid="quota-used">
                      {count(q.used)} of {count(q.limit)} this {q.per} · resets{' '}
                      {dateTime(q.resetsAt)}
                    </span>
                  </div>
                  <Meter used={q.used} limit={q.limit} label={`${q.planName} quota used`} />
                </div>
              ))}
            </div>
          )
        ) : (
          <Skeleton rows={2} />
        )}
      </Card>
    </>
  );
}

function fmtMs(value: number | null): string {
  return value === null ? '–' : `${Math.round(value)} ms`;
}
