import {
  type ColumnDef,
  type PaginationState,
  type RowData,
  rowPaginationFeature,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { Button } from './button';
import { cx } from './class-names';

const features = tableFeatures({ rowSortingFeature, rowPaginationFeature });

/** One column: a header, how a row renders in it, and whether the server can sort by it. */
export interface Column<Row extends RowData> {
  id: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  sortable?: boolean;
  align?: 'left' | 'right';
}

export interface Sort {
  id: string;
  desc: boolean;
}

/** Server-side pagination: the page shown, the page size and the total the server reported. */
export interface ServerPage {
  pageIndex: number;
  pageSize: number;
  rowCount: number;
  onPageChange: (pageIndex: number) => void;
}

export interface DataTableProps<Row extends RowData> {
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** Server-side sorting: the current order and a callback; the caller fetches the new order. */
  sort?: Sort | null;
  onSortChange?: (sort: Sort | null) => void;
  page?: ServerPage;
  empty?: ReactNode;
  label: string;
  testId?: string;
}

/**
 * A table on TanStack Table with sorting and pagination owned by the server (manual mode): the
 * table renders what it is given and reports the order or page the person asked for.
 */
export function DataTable<Row extends RowData>({
  columns,
  rows,
  rowKey,
  sort = null,
  onSortChange,
  page,
  empty,
  label,
  testId,
}: DataTableProps<Row>) {
  const sorting: SortingState = sort ? [sort] : [];
  const pagination: PaginationState = {
    pageIndex: page?.pageIndex ?? 0,
    pageSize: page?.pageSize ?? Math.max(rows.length, 1),
  };
  const columnDefs: ColumnDef<typeof features, Row>[] = columns.map((column) => ({
    id: column.id,
    header: () => column.header,
    cell: (info) => column.cell(info.row.original),
    enableSorting: Boolean(column.sortable && onSortChange),
  }));
  const table = useTable({
    features,
    columns: columnDefs,
    data: rows,
    getRowId: (row) => rowKey(row),
    manualSorting: true,
    manualPagination: true,
    rowCount: page?.rowCount ?? rows.length,
    state: { sorting, pagination },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      onSortChange?.(next[0] ?? null);
    },
    onPaginationChange: (updater) => {
      const next = typeof updater === 'function' ? updater(pagination) : updater;
      page?.onPageChange(next.pageIndex);
    },
  });
  const alignOf = (id: string) => columns.find((c) => c.id === id)?.align ?? 'left';
  const pageCount = page ? Math.max(1, Math.ceil(page.rowCount / page.pageSize)) : 1;

  return (
    <div className="pui-table-wrap" data-testid={testId}>
      <table className="pui-table" aria-label={label}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sortable = header.column.getCanSort();
                const direction = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    className={cx(alignOf(header.column.id) === 'right' && 'pui-right')}
                    aria-sort={
                      direction === 'asc'
                        ? 'ascending'
                        : direction === 'desc'
                          ? 'descending'
                          : undefined
                    }
                  >
                    {sortable ? (
                      <button
                        type="button"
                        className="pui-sort"
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        <table.FlexRender header={header} />
                        <span aria-hidden="true">
                          {direction === 'asc' ? ' ↑' : direction === 'desc' ? ' ↓' : ' ↕'}
                        </span>
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="pui-table-empty">
                {empty ?? 'Nothing here yet.'}
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getAllCells().map((cell) => (
                  <td
                    key={cell.id}
                    className={cx(alignOf(cell.column.id) === 'right' && 'pui-right')}
                  >
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
      {page && pageCount > 1 ? (
        <div className="pui-pager">
          <span>
            Page {page.pageIndex + 1} of {pageCount} · {page.rowCount} in all
          </span>
          <Button
            size="sm"
            disabled={!table.getCanPreviousPage()}
            onClick={() => table.previousPage()}
          >
            Previous
          </Button>
          <Button size="sm" disabled={!table.getCanNextPage()} onClick={() => table.nextPage()}>
            Next
          </Button>
        </div>
      ) : null}
    </div>
  );
}
