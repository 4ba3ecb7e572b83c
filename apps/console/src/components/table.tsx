'use client';

import type { ReactNode } from 'react';

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
