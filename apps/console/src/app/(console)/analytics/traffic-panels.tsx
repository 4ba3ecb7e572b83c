'use client';

import type { ReactNode } from 'react';
import { BarList, LineChart } from '../../../components/charts';
import { Table } from '../../../components/table';
import { Skeleton } from '../../../components/ui';
import type { RouterOutputs } from '../../../lib/trpc';

type Series = RouterOutputs['usage']['series'];
type Latency = RouterOutputs['usage']['latency'];
type TopConsumers = RouterOutputs['usage']['topConsumers'];
type Errors = RouterOutputs['usage']['errors'];

function Stat({
  label,
  children,
  testId,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>
        {children}
      </div>
    </div>
  );
}

/** Requests, error rate and latency percentiles over the range; "…" until each has loaded. */
export function SummaryStats({
  series,
  latency,
}: {
  series: Series | undefined;
  latency: Latency | undefined;
}) {
  const points = series ?? [];
  const total = points.reduce((sum, p) => sum + p.requests, 0);
  const totalErrors = points.reduce((sum, p) => sum + p.errors, 0);
  return (
    <div className="grid cols-4" style={{ marginBottom: 16 }}>
      <Stat label="Requests" testId="total-requests">
        {series ? total : '…'}
      </Stat>
      <Stat label="Error rate">
        {total > 0 ? `${((totalErrors / total) * 100).toFixed(1)}%` : '—'}
      </Stat>
      <Stat label="p50 / p95">
        {latency ? `${latency.p50Ms ?? '—'} / ${latency.p95Ms ?? '—'} ms` : '…'}
      </Stat>
      <Stat label="p99">{latency ? `${latency.p99Ms ?? '—'} ms` : '…'}</Stat>
    </div>
  );
}

/** The four charts: traffic over time, latency buckets, top consumers and errors. */
export function TrafficPanels({
  series,
  latency,
  top,
  errors,
}: {
  series: { data?: Series | undefined; isPending: boolean };
  latency: Latency | undefined;
  top: TopConsumers | undefined;
  errors: Errors | undefined;
}) {
  const points = series.data ?? [];
  return (
    <div className="grid cols-2">
      <section className="panel">
        <h2>Requests and errors</h2>
        {series.isPending ? (
          <Skeleton rows={3} />
        ) : (
          <LineChart
            label="Requests and errors over time"
            points={points}
            series={[
              { name: 'requests', values: points.map((p) => p.requests) },
              { name: 'errors', values: points.map((p) => p.errors), className: 'err' },
            ]}
          />
        )}
      </section>
      <section className="panel">
        <h2>Latency distribution</h2>
        {latency ? (
          <BarList
            rows={latency.buckets
              .filter((b) => b.count > 0)
              .map((b) => ({
                label: b.leMs === null ? 'slower' : `≤ ${b.leMs} ms`,
                value: b.count,
              }))}
          />
        ) : (
          <Skeleton rows={3} />
        )}
      </section>
      <section className="panel">
        <h2>Top consumers</h2>
        {top?.length === 0 ? (
          <p className="muted">No keyed traffic in this range.</p>
        ) : (
          <BarList
            rows={(top ?? []).map((c) => ({
              label: c.consumerName ?? `${c.consumerId} (deleted)`,
              value: c.requests,
            }))}
          />
        )}
      </section>
      <section className="panel">
        <h2>Errors</h2>
        {errors ? (
          <>
            <BarList
              rows={errors.byStatusClass.map((s) => ({
                label: `${s.statusClass}xx`,
                value: s.requests,
              }))}
            />
            {errors.byErrorCode.length > 0 ? (
              <>
                <h3 style={{ marginTop: 12 }}>By error code</h3>
                <BarList
                  rows={errors.byErrorCode.map((e) => ({ label: e.errorCode, value: e.count }))}
                />
              </>
            ) : null}
          </>
        ) : (
          <Skeleton rows={2} />
        )}
      </section>
    </div>
  );
}

/** Requests per status class with each class's share of all requests. */
export function StatusClasses({ errors }: { errors: Errors | undefined }) {
  const all = (errors?.byStatusClass ?? []).reduce((n, r) => n + r.requests, 0);
  return (
    <section className="panel">
      <h2>Status classes</h2>
      {errors ? (
        errors.byStatusClass.length === 0 ? (
          <p className="muted">No requests in this range.</p>
        ) : (
          <Table
            testId="status-classes"
            headers={['Status', 'Requests', 'Share', 'Errors']}
            items={errors.byStatusClass}
            rowKey={(row) => String(row.statusClass)}
            cells={(row) => (
              <>
                <td>{row.statusClass}xx</td>
                <td>{row.requests}</td>
                <td>{all > 0 ? `${((row.requests / all) * 100).toFixed(1)}%` : '—'}</td>
                <td>{row.errors}</td>
              </>
            )}
          />
        )
      ) : (
        <Skeleton rows={2} />
      )}
    </section>
  );
}
