'use client';

import { cursorTrail } from '@portico/ui';
import { type ReactNode, useDeferredValue, useMemo, useState } from 'react';
import { FilterSelect } from './list-page';
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
  const filtered = term !== '' || Object.keys(filters).some((key) => url[key]);
  return {
    /** True while a search or a filter narrows the list. */
    filtered,
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
function SearchBox({
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

/** A select over one of the list's URL filters; its first option is the unfiltered one. */
export interface ListFilter {
  /** The URL parameter, one of the keys given to `useListUrl`. */
  key: string;
  label: string;
  /** The label of the empty value, e.g. "Any status". */
  all: string;
  options: readonly { value: string; label: string }[];
  maxWidth: number;
}

export interface PagedListProps<T> extends Omit<TableProps<T>, 'items' | 'footer'> {
  /** The page query: its page once loaded, whether it is still loading, and its failure. */
  query: { data?: ListPage<T> | undefined; isPending: boolean; error: unknown };
  list: ListUrl;
  /** The search box over the list: its accessible label and placeholder. */
  search: { label: string; placeholder: string };
  /** The page's filters, as selects after the search box, each bound to its URL parameter. */
  filters?: readonly ListFilter[];
  /** An action's failure on the rows, shown above the table. */
  actionError?: unknown;
  /** What a row is, as in "No API matches …". */
  noun: string;
  /** The empty state of an unfiltered list: its title, and what to do to get a first row. */
  emptyTitle: string;
  emptyText: ReactNode;
}

/**
 * A whole list page's body over a server-paged procedure: the search box and filters, the
 * failure, placeholder rows while loading, the empty state, or one page of the table with
 * Previous/Next under it.
 */
export function PagedList<T>({
  query,
  list,
  search,
  filters,
  actionError,
  noun,
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
      <div className="toolbar">
        <SearchBox list={list} label={search.label} placeholder={search.placeholder} />
        {filters?.map((filter) => (
          <FilterSelect
            key={filter.key}
            id={`${noun.toLowerCase()}-${filter.key}`}
            label={filter.label}
            value={list.filters[filter.key] ?? ''}
            onChange={(value) => list.setFilters({ [filter.key]: value })}
            all={filter.all}
            options={filter.options}
            style={{ maxWidth: filter.maxWidth }}
          />
        ))}
      </div>
      <ErrorAlert error={query.error ?? actionError} />
      {query.isPending ? (
        <Skeleton />
      ) : !page || (page.items.length === 0 && index === 0) ? (
        <div className="panel">
          {list.filtered ? (
            <EmptyState title={`No ${noun} matches${list.term ? ` “${list.term}”` : ''}`}>
              Try another search or filter.
            </EmptyState>
          ) : (
            <EmptyState title={emptyTitle}>{emptyText}</EmptyState>
          )}
        </div>
      ) : (
        <Table {...table} items={page.items} footer={pager} />
      )}
    </>
  );
}
