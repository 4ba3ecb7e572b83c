'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { BarList, LineChart } from '../../components/charts';
import { DataPlanesTable } from '../../components/data-planes-table';
import { changeCount, DraftPanel } from '../../components/draft-diff';
import { ErrorAlert, PageHeader, Skeleton } from '../../components/ui';
import { useSlidingWindow } from '../../components/use-window';
import { useTRPC } from '../../lib/trpc';

const RANGES = {
  '15m': { ms: 15 * 60_000, granularity: 'minute', label: 'Last 15 min' },
  '1h': { ms: 3_600_000, granularity: 'minute', label: 'Last 1 h' },
  '24h': { ms: 86_400_000, granularity: 'hour', label: 'Last 24 h' },
  '7d': { ms: 7 * 86_400_000, granularity: 'hour', label: 'Last 7 d' },
} as const;
type Range = keyof typeof RANGES;

function fmt(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return `${Number.isInteger(n) ? n : n.toFixed(1)}${unit}`;
}

/** A ranked panel of the overview; `rows` is undefined while loading. */
function TopPanel({
  title,
  testId,
  error,
  empty,
  rows,
  children,
}: {
  title: string;
  testId?: string;
  error: unknown;
  empty: string;
  rows: { label: string; value: number }[] | undefined;
  children?: ReactNode;
}) {
  return (
    <section className="panel" style={{ marginBottom: 0 }} data-testid={testId}>
      <h2>{title}</h2>
      <ErrorAlert error={error} />
      {rows?.length === 0 ? <p className="muted">{empty}</p> : <BarList rows={rows ?? []} />}
      {children}
    </section>
  );
}

export default function OverviewPage() {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>('1h');
  const chosen = RANGES[range];
  const summary = useQuery({
    ...trpc.usage.summary.queryOptions({ sinceSeconds: chosen.ms / 1000 }),
    refetchInterval: 15_000,
  });
  const nodes = useQuery({ ...trpc.dataPlanes.list.queryOptions(), refetchInterval: 10_000 });
  const draft = useQuery({ ...trpc.config.draftDiff.queryOptions(), refetchInterval: 15_000 });
  const { span, refresh } = useSlidingWindow(chosen.ms);
  const live = {
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  };
  const series = useQuery({
    ...trpc.usage.series.queryOptions({ ...span, granularity: chosen.granularity }),
    ...live,
  });
  const top = useQuery({ ...trpc.usage.topConsumers.queryOptions({ ...span, limit: 5 }), ...live });
  const topApis = useQuery({ ...trpc.usage.topApis.queryOptions({ ...span, limit: 5 }), ...live });
  const per = chosen.granularity;
  const points = series.data ?? [];

  const s = summary.data;
  return (
    <>
      <PageHeader
        title="Overview"
        description="Traffic in the chosen range, gateways and pending changes."
        actions={
          <span className="toolbar" style={{ margin: 0 }}>
            <label htmlFor="overview-range">Range</label>
            <select
              id="overview-range"
              value={range}
              onChange={(e) => setRange(e.target.value as Range)}
              style={{ width: 140 }}
            >
              {Object.entries(RANGES).map(([key, r]) => (
                <option key={key} value={key}>
                  {r.label}
                </option>
              ))}
            </select>
          </span>
        }
      />
      <div className="grid cols-4" style={{ marginBottom: 16 }}>
        <div className="stat">
          <div className="label">Requests ({range})</div>
          <div className="value" data-testid="stat-requests">
            {s ? fmt(s.requests) : '…'}
          </div>
        </div>
        <div className="stat">
          <div className="label">Error rate</div>
          <div className="value">
            {s ? (s.requests > 0 ? fmt((s.errors / s.requests) * 100, '%') : '—') : '…'}
          </div>
        </div>
        <div className="stat">
          <div className="label">p50 / p95 latency</div>
          <div className="value">{s ? `${fmt(s.p50Ms)} / ${fmt(s.p95Ms)} ms` : '…'}</div>
        </div>
        <div className="stat">
          <div className="label">p99 latency</div>
          <div className="value">{s ? `${fmt(s.p99Ms)} ms` : '…'}</div>
        </div>
      </div>
      <ErrorAlert error={summary.error} />

      <div style={{ marginBottom: 16 }}>
        <section className="panel" style={{ marginBottom: 0 }}>
          <div className="toolbar" style={{ justifyContent: 'space-between' }}>
            <h2 style={{ margin: 0 }}>Requests per {per}</h2>
            <button type="button" className="small" onClick={refresh}>
              Refresh
            </button>
          </div>
          <ErrorAlert error={series.error} />
          {series.isPending ? (
            <Skeleton rows={3} />
          ) : (
            <LineChart
              label={`Requests and errors per ${per}, ${chosen.label.toLowerCase()}`}
              points={points}
              series={[
                { name: 'requests', values: points.map((p) => p.requests) },
                { name: 'errors', values: points.map((p) => p.errors), className: 'err' },
              ]}
            />
          )}
        </section>
      </div>

      <div className="grid cols-2" style={{ marginBottom: 16 }}>
        <TopPanel
          title={`Top consumers (${range})`}
          error={top.error}
          empty="No keyed traffic in this range."
          rows={top.data?.map((c) => ({
            label: c.consumerName ?? `${c.consumerId} (deleted)`,
            value: c.requests,
          }))}
        >
          <p style={{ marginBottom: 0 }}>
            <Link href="/analytics">Open analytics →</Link>
          </p>
        </TopPanel>
        <TopPanel
          title={`Top APIs (${range})`}
          testId="top-apis"
          error={topApis.error}
          empty="No API traffic in this range."
          rows={topApis.data?.map((a) => ({
            label: a.apiName ?? `${a.apiId} (deleted)`,
            value: a.requests,
          }))}
        />
      </div>

      <DraftPanel
        title="Unpublished changes"
        draft={draft}
        blocked="The draft cannot be published yet"
      >
        {(valid) =>
          valid.diff.identical ? (
            <p className="muted">
              Everything is published
              {valid.latestVersion ? ` (v${valid.latestVersion})` : ''}.
            </p>
          ) : (
            <p>
              <strong>{changeCount(valid.diff)}</strong> change(s) waiting.{' '}
              <Link href="/config">Review and publish →</Link>
            </p>
          )
        }
      </DraftPanel>

      <section>
        <h2>Data planes</h2>
        <ErrorAlert error={nodes.error} />
        {nodes.data ? <DataPlanesTable data={nodes.data} /> : nodes.isPending ? <Skeleton /> : null}
      </section>
    </>
  );
}
