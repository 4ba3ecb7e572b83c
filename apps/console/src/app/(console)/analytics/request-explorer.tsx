'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { CursorPager, useCursorPages, usePageFilter } from '../../../components/cursor-pager';
import { ItemDialog } from '../../../components/dialogs';
import { FilterSelect } from '../../../components/list-page';
import { Table } from '../../../components/table';
import { EmptyState, ErrorAlert, formatTimeToSecond, Skeleton } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';
import { LIVE, type usageScope } from './analytics-filters';
import { ms } from './format-ms';
import { RequestDetails } from './request-details';

/** The request log within the page's filters, newest first, 25 a page, each openable. */
export function RequestExplorer({
  scope,
  apiName,
  consumerName,
}: {
  scope: ReturnType<typeof usageScope>;
  apiName: ReadonlyMap<string, string>;
  consumerName: ReadonlyMap<string, string>;
}) {
  const trpc = useTRPC();
  const pages = useCursorPages<string>();
  const [statusClass, setStatusClass] = usePageFilter(pages);
  const { cursor } = pages;
  const requests = useQuery({
    ...trpc.usage.requests.queryOptions({
      ...scope,
      limit: 25,
      ...(statusClass ? { statusClass: Number(statusClass) } : {}),
      ...(cursor ? { cursor } : {}),
    }),
    ...LIVE,
  });
  const [openRequestId, setOpenRequestId] = useState<string | null>(null);
  const opened = requests.data?.items.find((r) => r.requestId === openRequestId) ?? null;
  return (
    <section>
      <div className="toolbar" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>Request explorer</h2>
        <span className="toolbar" style={{ margin: 0 }}>
          <FilterSelect
            id="status-class"
            label="Status"
            value={statusClass}
            onChange={setStatusClass}
            all="All"
            options={[2, 3, 4, 5].map((c) => ({ value: String(c), label: `${c}xx` }))}
            style={{ width: 120 }}
          />
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
        <Table
          testId="request-explorer"
          headers={[
            'Time',
            'Method',
            'Status',
            'API',
            'Consumer',
            'Total',
            'Upstream',
            'Client',
            'Error',
          ]}
          items={requests.data?.items ?? []}
          rowKey={(r) => r.requestId}
          cells={(r) => (
            <>
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
            </>
          )}
          actions={(r) => (
            <button
              type="button"
              className="small"
              aria-label={`Open request ${r.requestId}`}
              onClick={() => setOpenRequestId(r.requestId)}
            >
              Open
            </button>
          )}
          footer={
            <CursorPager label="Request pages" pages={pages} next={requests.data?.nextCursor} />
          }
        />
      )}
      <ItemDialog
        item={opened}
        title={(r) => `Request ${r.requestId}`}
        onClose={() => setOpenRequestId(null)}
      >
        {(r) => (
          <RequestDetails
            request={r}
            apiName={r.apiId ? (apiName.get(r.apiId) ?? null) : null}
            consumerName={r.consumerId ? (consumerName.get(r.consumerId) ?? null) : null}
            onClose={() => setOpenRequestId(null)}
          />
        )}
      </ItemDialog>
    </section>
  );
}
