'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { DataPlanesTable } from '../../components/data-planes-table';
import { changeCount } from '../../components/draft-diff';
import { ErrorAlert, PageHeader, Skeleton } from '../../components/ui';
import { useTRPC } from '../../lib/trpc';

function fmt(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return `${Number.isInteger(n) ? n : n.toFixed(1)}${unit}`;
}

export default function OverviewPage() {
  const trpc = useTRPC();
  const summary = useQuery({
    ...trpc.usage.summary.queryOptions({ sinceSeconds: 3600 }),
    refetchInterval: 15_000,
  });
  const nodes = useQuery({ ...trpc.dataPlanes.list.queryOptions(), refetchInterval: 10_000 });
  const draft = useQuery({ ...trpc.config.draftDiff.queryOptions(), refetchInterval: 15_000 });

  const s = summary.data;
  return (
    <>
      <PageHeader
        title="Overview"
        description="Traffic in the last hour, gateways and pending changes."
      />
      <div className="grid cols-4" style={{ marginBottom: 16 }}>
        <div className="stat">
          <div className="label">Requests (1h)</div>
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

      <section className="panel">
        <h2>Unpublished changes</h2>
        <ErrorAlert error={draft.error} />
        {draft.isPending ? (
          <div className="skeleton" />
        ) : draft.data?.valid === false ? (
          <div className="alert">
            The draft cannot be published yet: {draft.data.issues.join('; ')}
          </div>
        ) : draft.data?.valid ? (
          draft.data.diff.identical ? (
            <p className="muted">
              Everything is published
              {draft.data.latestVersion ? ` (v${draft.data.latestVersion})` : ''}.
            </p>
          ) : (
            <p>
              <strong>{changeCount(draft.data.diff)}</strong> change(s) waiting.{' '}
              <Link href="/config">Review and publish →</Link>
            </p>
          )
        ) : null}
      </section>

      <section>
        <h2>Data planes</h2>
        <ErrorAlert error={nodes.error} />
        {nodes.data ? <DataPlanesTable data={nodes.data} /> : nodes.isPending ? <Skeleton /> : null}
      </section>
    </>
  );
}
