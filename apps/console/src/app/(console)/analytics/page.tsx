'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { BarList, LineChart } from '../../../components/charts';
import {
  Dialog,
  EmptyState,
  ErrorAlert,
  formatTimeToSecond,
  PageHeader,
  Skeleton,
} from '../../../components/ui';
import { useSlidingWindow } from '../../../components/use-window';
import { useTRPC } from '../../../lib/trpc';

const RANGES = {
  '1h': { ms: 3_600_000, granularity: 'minute' },
  '24h': { ms: 86_400_000, granularity: 'hour' },
  '7d': { ms: 7 * 86_400_000, granularity: 'hour' },
  '30d': { ms: 30 * 86_400_000, granularity: 'day' },
} as const;
type Range = keyof typeof RANGES;

/** Milliseconds for people: one decimal below 10 ms, whole numbers above. */
function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

export default function AnalyticsPage() {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>('1h');
  const [apiId, setApiId] = useState('');
  const [consumerId, setConsumerId] = useState('');
  const [routeId, setRouteId] = useState('');
  const [keyId, setKeyId] = useState('');
  const [statusClass, setStatusClass] = useState('');
  const { span, refresh } = useSlidingWindow(RANGES[range].ms);
  const apis = useQuery(trpc.apis.list.queryOptions({}));
  const consumers = useQuery(trpc.consumers.list.queryOptions({}));
  const keys = useQuery(trpc.keys.list.queryOptions(consumerId ? { consumerId } : {}));
  const routes = (apis.data ?? []).find((a) => a.id === apiId)?.routes ?? [];
  const filters = {
    ...span,
    ...(apiId ? { apiId } : {}),
    ...(apiId && routeId ? { routeId } : {}),
  };
  const byConsumer = { ...(consumerId ? { consumerId } : {}), ...(keyId ? { keyId } : {}) };
  const live = { refetchInterval: 15_000, placeholderData: keepPreviousData };
  const series = useQuery({
    ...trpc.usage.series.queryOptions({
      ...filters,
      ...byConsumer,
      granularity: RANGES[range].granularity,
    }),
    ...live,
  });
  const latency = useQuery({
    ...trpc.usage.latency.queryOptions({ ...filters, ...byConsumer }),
    ...live,
  });
  const top = useQuery({
    ...trpc.usage.topConsumers.queryOptions({ ...filters, ...byConsumer, limit: 10 }),
    ...live,
  });
  const errors = useQuery({
    ...trpc.usage.errors.queryOptions({ ...filters, ...byConsumer }),
    ...live,
  });
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const requests = useQuery({
    ...trpc.usage.requests.queryOptions({
      from: span.from,
      to: span.to,
      limit: 25,
      ...(apiId ? { apiId } : {}),
      ...(apiId && routeId ? { routeId } : {}),
      ...byConsumer,
      ...(statusClass ? { statusClass: Number(statusClass) } : {}),
      ...(cursor ? { cursor } : {}),
    }),
    ...live,
  });

  const points = series.data ?? [];
  const total = points.reduce((sum, p) => sum + p.requests, 0);
  const totalErrors = points.reduce((sum, p) => sum + p.errors, 0);
  const apiName = new Map((apis.data ?? []).map((a) => [a.id, a.name]));
  const consumerName = new Map((consumers.data ?? []).map((c) => [c.id, c.name]));
  const [openRequestId, setOpenRequestId] = useState<string | null>(null);
  const opened = requests.data?.items.find((r) => r.requestId === openRequestId) ?? null;

  return (
    <>
      <PageHeader
        title="Analytics"
        description="Traffic through the gateways, from the analytics rollups. Refreshes every 15 s."
        actions={
          <button type="button" onClick={refresh}>
            Refresh now
          </button>
        }
      />
      <div className="toolbar">
        <label htmlFor="range">Range</label>
        <select
          id="range"
          value={range}
          onChange={(e) => setRange(e.target.value as Range)}
          style={{ width: 120 }}
        >
          {Object.keys(RANGES).map((r) => (
            <option key={r} value={r}>
              Last {r}
            </option>
          ))}
        </select>
        <label htmlFor="api-filter">API</label>
        <select
          id="api-filter"
          value={apiId}
          onChange={(e) => {
            setApiId(e.target.value);
            setRouteId('');
          }}
          style={{ width: 200 }}
        >
          <option value="">All APIs</option>
          {(apis.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
        <label htmlFor="consumer-filter">Consumer</label>
        <select
          id="consumer-filter"
          value={consumerId}
          onChange={(e) => {
            setConsumerId(e.target.value);
            setKeyId('');
          }}
          style={{ width: 200 }}
        >
          <option value="">All consumers</option>
          {(consumers.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <label htmlFor="route-filter">Route</label>
        <select
          id="route-filter"
          value={routeId}
          onChange={(e) => setRouteId(e.target.value)}
          disabled={!apiId}
          title={apiId ? undefined : 'Choose an API to filter by one of its routes'}
          style={{ width: 200 }}
        >
          <option value="">All routes</option>
          {routes.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name ?? `${r.methods.length > 0 ? r.methods.join(',') : 'ANY'} ${r.path}`}
            </option>
          ))}
        </select>
        <label htmlFor="key-filter">Key</label>
        <select
          id="key-filter"
          value={keyId}
          onChange={(e) => setKeyId(e.target.value)}
          style={{ width: 200 }}
        >
          <option value="">All keys</option>
          {(keys.data ?? []).map((k) => (
            <option key={k.id} value={k.id}>
              {k.name} ({k.start}…)
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert error={series.error ?? latency.error ?? top.error ?? errors.error} />
      <div className="grid cols-4" style={{ marginBottom: 16 }}>
        <div className="stat">
          <div className="label">Requests</div>
          <div className="value" data-testid="total-requests">
            {series.data ? total : '…'}
          </div>
        </div>
        <div className="stat">
          <div className="label">Error rate</div>
          <div className="value">
            {total > 0 ? `${((totalErrors / total) * 100).toFixed(1)}%` : '—'}
          </div>
        </div>
        <div className="stat">
          <div className="label">p50 / p95</div>
          <div className="value">
            {latency.data ? `${latency.data.p50Ms ?? '—'} / ${latency.data.p95Ms ?? '—'} ms` : '…'}
          </div>
        </div>
        <div className="stat">
          <div className="label">p99</div>
          <div className="value">{latency.data ? `${latency.data.p99Ms ?? '—'} ms` : '…'}</div>
        </div>
      </div>
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
          {latency.data ? (
            <BarList
              rows={latency.data.buckets
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
          {top.data?.length === 0 ? (
            <p className="muted">No keyed traffic in this range.</p>
          ) : (
            <BarList
              rows={(top.data ?? []).map((c) => ({
                label: c.consumerName ?? `${c.consumerId} (deleted)`,
                value: c.requests,
              }))}
            />
          )}
        </section>
        <section className="panel">
          <h2>Errors</h2>
          {errors.data ? (
            <>
              <BarList
                rows={errors.data.byStatusClass.map((s) => ({
                  label: `${s.statusClass}xx`,
                  value: s.requests,
                }))}
              />
              {errors.data.byErrorCode.length > 0 ? (
                <>
                  <h3 style={{ marginTop: 12 }}>By error code</h3>
                  <BarList
                    rows={errors.data.byErrorCode.map((e) => ({
                      label: e.errorCode,
                      value: e.count,
                    }))}
                  />
                </>
              ) : null}
            </>
          ) : (
            <Skeleton rows={2} />
          )}
        </section>
      </div>
      <section className="panel">
        <h2>Status classes</h2>
        {errors.data ? (
          errors.data.byStatusClass.length === 0 ? (
            <p className="muted">No requests in this range.</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="status-classes">
                <thead>
                  <tr>
                    <th>Status</th>
                    <th>Requests</th>
                    <th>Share</th>
                    <th>Errors</th>
                  </tr>
                </thead>
                <tbody>
                  {errors.data.byStatusClass.map((row) => {
                    const all = errors.data.byStatusClass.reduce((n, r) => n + r.requests, 0);
                    return (
                      <tr key={row.statusClass}>
                        <td>{row.statusClass}xx</td>
                        <td>{row.requests}</td>
                        <td>{all > 0 ? `${((row.requests / all) * 100).toFixed(1)}%` : '—'}</td>
                        <td>{row.errors}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        ) : (
          <Skeleton rows={2} />
        )}
      </section>
      <section>
        <div className="toolbar" style={{ justifyContent: 'space-between' }}>
          <h2 style={{ margin: 0 }}>Request explorer</h2>
          <span className="toolbar" style={{ margin: 0 }}>
            <label htmlFor="status-class">Status</label>
            <select
              id="status-class"
              value={statusClass}
              onChange={(e) => {
                setStatusClass(e.target.value);
                setCursors([undefined]);
              }}
              style={{ width: 120 }}
            >
              <option value="">All</option>
              {[2, 3, 4, 5].map((c) => (
                <option key={c} value={c}>
                  {c}xx
                </option>
              ))}
            </select>
          </span>
        </div>
        <ErrorAlert error={requests.error} />
        {requests.isPending ? (
          <Skeleton />
        ) : requests.data?.items.length === 0 ? (
          <div className="panel">
            <EmptyState title="No requests in this range">
              Calls through a gateway appear here within seconds of the analytics worker processing
              them.
            </EmptyState>
          </div>
        ) : (
          <div className="table-wrap">
            <table data-testid="request-explorer">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Method</th>
                  <th>Status</th>
                  <th>API</th>
                  <th>Consumer</th>
                  <th>Total</th>
                  <th>Upstream</th>
                  <th>Client</th>
                  <th>Error</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {requests.data?.items.map((r) => (
                  <tr key={r.requestId}>
                    <td title={r.time}>{formatTimeToSecond(r.time)}</td>
                    <td className="mono">{r.method}</td>
                    <td>
                      {r.status}
                      {r.sampled ? (
                        <span
                          className="muted"
                          title="A success kept as a sample: not every success of this API and second is logged"
                        >
                          {' '}
                          sampled
                        </span>
                      ) : null}
                    </td>
                    <td>{r.apiId ? (apiName.get(r.apiId) ?? r.apiId) : '—'}</td>
                    <td>{r.consumerId ? (consumerName.get(r.consumerId) ?? r.consumerId) : '—'}</td>
                    <td>{ms(r.totalMs)}</td>
                    <td>{r.upstreamMs === null ? '—' : ms(r.upstreamMs)}</td>
                    <td className="mono">{r.clientIp}</td>
                    <td>{r.errorCode ?? '—'}</td>
                    <td className="actions">
                      <button
                        type="button"
                        className="small"
                        aria-label={`Open request ${r.requestId}`}
                        onClick={() => setOpenRequestId(r.requestId)}
                      >
                        Open
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label="Request pages">
              <span>Newest first</span>
              <span className="toolbar" style={{ margin: 0 }}>
                <button
                  type="button"
                  className="small"
                  disabled={cursors.length <= 1}
                  onClick={() => setCursors((c) => c.slice(0, -1))}
                >
                  Newer
                </button>
                <button
                  type="button"
                  className="small"
                  disabled={!requests.data?.nextCursor}
                  onClick={() => {
                    const next = requests.data?.nextCursor;
                    if (next) setCursors((c) => [...c, next]);
                  }}
                >
                  Older
                </button>
              </span>
            </nav>
          </div>
        )}
      </section>
      <Dialog
        open={opened !== null}
        title={`Request ${opened?.requestId ?? ''}`}
        onClose={() => setOpenRequestId(null)}
      >
        {opened ? (
          <RequestDetails
            request={opened}
            apiName={opened.apiId ? (apiName.get(opened.apiId) ?? null) : null}
            consumerName={opened.consumerId ? (consumerName.get(opened.consumerId) ?? null) : null}
            onClose={() => setOpenRequestId(null)}
          />
        ) : null}
      </Dialog>
    </>
  );
}

interface ExploredRequest {
  requestId: string;
  time: string;
  nodeId: string;
  apiId: string | null;
  routeId: string | null;
  serviceId: string | null;
  instance: string | null;
  consumerId: string | null;
  keyId: string | null;
  method: string;
  status: number;
  totalMs: number;
  upstreamMs: number | null;
  bytesIn: number;
  bytesOut: number;
  clientIp: string | null;
  errorCode: string | null;
}

/** Everything the request log holds about one request. */
function RequestDetails({
  request: r,
  apiName,
  consumerName,
  onClose,
}: {
  request: ExploredRequest;
  apiName: string | null;
  consumerName: string | null;
  onClose: () => void;
}) {
  const rows: [string, string][] = [
    ['Request id', r.requestId],
    ['Time', r.time],
    ['Method and status', `${r.method} ${r.status}`],
    ['API', r.apiId ? `${apiName ?? '(deleted)'} · ${r.apiId}` : '—'],
    ['Route', r.routeId ?? '—'],
    ['Consumer', r.consumerId ? `${consumerName ?? '(deleted)'} · ${r.consumerId}` : 'anonymous'],
    ['Key', r.keyId ?? '—'],
    ['Service', r.serviceId ?? '—'],
    ['Upstream instance', r.instance ?? '—'],
    ['Gateway node', r.nodeId],
    ['Total time', ms(r.totalMs)],
    ['Upstream time', r.upstreamMs === null ? '—' : ms(r.upstreamMs)],
    ['Bytes in / out', `${r.bytesIn} / ${r.bytesOut}`],
    ['Client', r.clientIp ?? '—'],
    ['Error code', r.errorCode ?? '—'],
  ];
  return (
    <div className="form">
      <table data-testid="request-details">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row" style={{ textAlign: 'left', width: 180 }}>
                {label}
              </th>
              <td className="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
