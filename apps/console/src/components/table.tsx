'use client';

import type { ReactNode } from 'react';
import { EmptyState, ErrorAlert, Skeleton, usePaged } from './ui';

export interface TableProps<T> {
  /** Column titles; a row-actions column without a title is added when `actions` is given. */
  headers: readonly string[];
  items: readonly T[];
  /** The row's cells (`<td>`s), in the order of `headers`. */
  cells: (item: T) => ReactNode;
  actions?: (item: T) => ReactNode;
  rowKey?: (item: T) => string;
  testId?: string;
  /** Under the table inside its frame, e.g. a pager. */
  footer?: ReactNode;
}

const byId = (item: unknown): string =>
  typeof item === 'object' && item !== null && 'id' in item ? String(item.id) : '';

/** A plain table in its scrolling frame; every list in the console renders through it. */
export function Table<T>({
  headers,
  items,
  cells,
  actions,
  rowKey = byId,
  testId,
  footer,
}: TableProps<T>) {
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th key={h}>{h}</th>
            ))}
            {actions ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={rowKey(item)}>
              {cells(item)}
              {actions ? <td className="actions">{actions(item)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {footer}
    </div>
  );
}

export interface PagedListProps<T> extends Omit<TableProps<T>, 'items' | 'footer'> {
  /** The list query: its rows once loaded, and whether it is still loading. */
  query: { data?: readonly T[] | undefined; isPending: boolean };
  /** What failed: the list query's error, or an action's on its rows. */
  error: unknown;
  emptyTitle: string;
  /** The empty state's text: what to do to get a first row. */
  emptyText: ReactNode;
}

/**
 * A whole list page's body: the failure, placeholder rows while loading, the empty state, or the
 * table paged in the browser. The pages load their lists whole, so paging here is enough.
 */
export function PagedList<T>({ query, error, emptyTitle, emptyText, ...table }: PagedListProps<T>) {
  const { rows, pager } = usePaged(query.data ?? []);
  return (
    <>
      <ErrorAlert error={error} />
      {query.isPending ? (
        <Skeleton />
      ) : rows.length === 0 ? (
        <div className="panel">
          <EmptyState title={emptyTitle}>{emptyText}</EmptyState>
        </div>
      ) : (
        <Table {...table} items={rows} footer={pager} />
      )}
    </>
  );
}
