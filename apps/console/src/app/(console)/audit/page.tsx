'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { CursorPager, useCursorPages, usePageFilter } from '../../../components/cursor-pager';
import { FilterSelect } from '../../../components/list-page';
import { EmptyState, ErrorAlert, formatDate, PageHeader, Skeleton } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

// The targetType values the control plane records (recordAudit calls in packages/api).
const TARGET_TYPES = [
  'api',
  'service',
  'registry',
  'plan',
  'consumer',
  'subscription',
  'key',
  'config',
  'configVersion',
  'user',
  'invite',
  'session',
  'personal_token',
  'machine_token',
  'secret',
  'certificate',
];

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">(none)</span>;
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

export default function AuditPage() {
  const trpc = useTRPC();
  const pages = useCursorPages<string>();
  const [action, setAction] = usePageFilter(pages);
  const [targetType, setTargetType] = usePageFilter(pages);
  const [open, setOpen] = useState<string | null>(null);
  const { cursor } = pages;
  const audit = useQuery({
    ...trpc.audit.list.queryOptions({
      limit: 25,
      ...(cursor ? { cursor } : {}),
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(targetType ? { targetType } : {}),
    }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what, when — with the before and after."
      />
      <div className="toolbar">
        <label htmlFor="audit-action">Action</label>
        <input
          id="audit-action"
          placeholder="e.g. api.update"
          value={action}
          onChange={(e) => setAction(e.target.value)}
          style={{ width: 200 }}
        />
        <FilterSelect
          id="audit-target"
          label="Target type"
          value={targetType}
          onChange={setTargetType}
          all="Any"
          options={TARGET_TYPES.map((t) => ({ value: t, label: t }))}
          style={{ width: 180 }}
        />
      </div>
      <ErrorAlert error={audit.error} />
      {audit.isPending ? (
        <Skeleton rows={6} />
      ) : audit.data?.items.length === 0 ? (
        <div className="panel">
          <EmptyState title="No entries match">
            Every change made through the API is recorded here.
          </EmptyState>
        </div>
      ) : (
        <div className="table-wrap">
          <table data-testid="audit">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {audit.data?.items.map((entry) => (
                <Fragment key={entry.id}>
                  <tr>
                    <td>{formatDate(entry.createdAt)}</td>
                    <td>{entry.actorLabel}</td>
                    <td className="mono">{entry.action}</td>
                    <td>
                      {entry.targetType} <span className="muted mono">{entry.targetId ?? ''}</span>
                    </td>
                    <td className="actions">
                      <button
                        type="button"
                        className="small"
                        aria-expanded={open === entry.id}
                        onClick={() => setOpen(open === entry.id ? null : entry.id)}
                      >
                        {open === entry.id ? 'Hide changes' : 'Show changes'}
                      </button>
                    </td>
                  </tr>
                  {open === entry.id ? (
                    <tr>
                      <td colSpan={5}>
                        <div className="grid cols-2">
                          <div>
                            <h3>Before</h3>
                            <Json value={entry.before} />
                          </div>
                          <div>
                            <h3>After</h3>
                            <Json value={entry.after} />
                          </div>
                        </div>
                        {entry.requestId ? (
                          <p className="muted mono">request {entry.requestId}</p>
                        ) : null}
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
          <CursorPager
            label="Audit pages"
            summary={`Newest first · page ${pages.page}`}
            pages={pages}
            next={audit.data?.nextCursor}
          />
        </div>
      )}
    </>
  );
}
