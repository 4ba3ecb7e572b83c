'use client';

import { cursorTrail } from '@portico/ui';
import { type ReactNode, useDeferredValue, useMemo, useState } from 'react';
import { Table, type TableProps } from './table';
import { EmptyState, ErrorAlert, Pager, Skeleton } from './ui';
import { useUrlState } from './use-url-state';

/** Rows on one page of a server-paged list. */
export const LIST_PAGE_SIZE = 20;

/** One page as the paged procedures return it. */
export interface ListPage<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

const PAGING_IN_URL = { q: '', pages: '' } as const;
/** The filters of a list that has none besides its search. */
export const NO_FILTERS: Readonly<Record<never, string>> = {};

/**
 * The URL state of a server-paged list: its filters, the search (`?q=`) and the cursors of the
 * pages walked so far (`?pages=`, a `cursorTrail`). Changing a filter or the search starts at
 * page 1.
 * `filters` (each with its default) must be a module-level constant: its identity keys the URL
 * writer.
 */
export function useListUrl<K extends string>(filters: Readonly<Record<K, string>>) {
  const defaults = useMemo<Readonly<Record<string, string>>>(
    () => ({ ...filters, ...PAGING_IN_URL }),
    [filters],
  );
  const [url, setUrl] = useUrlState<string>(defaults);
  // The box keeps its own text so typing never waits on the URL; the query follows it deferred.
  const [search, setSearchText] = useState(url.q ?? '');
  const term = useDeferredValue(search.trim());
  const trail = cursorTrail(url.pages);
  const setSearch = (value: string) => {
    setSearchText(value);
    setUrl({ q: value.trim(), pages: '' });
  };
  return {
    // useUrlState gives every key of `defaults` a value, and `defaults` holds every filter.
    filters: url as Readonly<Record<K, string>>,
    setFilters: (next: Partial<Record<K, string>>) => setUrl({ ...next, pages: '' }),
    term,
    search,
    setSearch,
    /** What the page procedure takes besides the filters: the page size, cursor and search. */
    paging: {
      limit: LIST_PAGE_SIZE,
      ...(trail.cursor ? { cursor: trail.cursor } : {}),
      ...(term ? { search: term } : {}),
    },
    pages: {
      /** 0 for the first page. */
      index: trail.index,
      previous: () => setUrl({ pages: trail.previous }),
      next: (cursor: string) => setUrl({ pages: trail.next(cursor) }),
    },
  };
}

export type ListUrl = ReturnType<typeof useListUrl>;

/** The search box of a paged list, bound to its `?q=`; it goes in the page's toolbar. */
export function SearchBox({
  list,
  label,
  placeholder,
}: {
  list: Pick<ListUrl, 'search' | 'setSearch'>;
  label: string;
  placeholder: string;
}) {
  return (
    <input
      type="search"
      aria-label={label}
      placeholder={placeholder}
      value={list.search}
      onChange={(e) => list.setSearch(e.target.value)}
      style={{ maxWidth: 320 }}
    />
  );
}

export interface PagedListProps<T> extends Omit<TableProps<T>, 'items' | 'footer'> {
  /** The page query: its page once loaded, and whether it is still loading. */
  query: { data?: ListPage<T> | undefined; isPending: boolean };
  list: Pick<ListUrl, 'pages'>;
  /** What failed: the page query's error, or an action's on its rows. */
  error: unknown;
  emptyTitle: string;
  /** The empty state's text: what to do to get a first row. */
  emptyText: ReactNode;
}

/**
 * A whole list page's body over a server-paged procedure: the failure, placeholder rows while
 * loading, the empty state, or one page of the table with Previous/Next under it.
 */
export function PagedList<T>({
  query,
  list,
  error,
  emptyTitle,
  emptyText,
  ...table
}: PagedListProps<T>) {
  const page = query.data;
  const { index, previous, next } = list.pages;
  const pager = page ? (
    <Pager
      page={index}
      pages={Math.max(index + 1, Math.ceil(page.total / LIST_PAGE_SIZE))}
      total={page.total}
      hasNext={page.nextCursor !== null}
      onPage={(to) => {
        if (to < index) previous();
        else if (page.nextCursor) next(page.nextCursor);
      }}
    />
  ) : null;
  return (
    <>
      <ErrorAlert error={error} />
      {query.isPending ? (
        <Skeleton />
      ) : !page || (page.items.length === 0 && index === 0) ? (
        <div className="panel">
          <EmptyState title={emptyTitle}>{emptyText}</EmptyState>
        </div>
      ) : (
        <Table {...table} items={page.items} footer={pager} />
      )}
    </>
  );
}
