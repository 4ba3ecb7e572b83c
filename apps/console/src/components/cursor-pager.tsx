'use client';

import { useState } from 'react';

/**
 * Pages of a newest-first list the server pages with cursors: the cursors walked so far, so
 * "Newer" goes back without the server knowing the way.
 */
export function useCursorPages<C>() {
  const [cursors, setCursors] = useState<(C | undefined)[]>([undefined]);
  return {
    cursor: cursors.at(-1),
    /** 1 for the newest page. */
    page: cursors.length,
    reset: () => setCursors([undefined]),
    newer: () => setCursors((c) => c.slice(0, -1)),
    older: (next: C) => setCursors((c) => [...c, next]),
  };
}

export type CursorPages<C> = ReturnType<typeof useCursorPages<C>>;

/** A filter of a cursor-paged list: the cursors belong to the old filter, so a change starts over. */
export function usePageFilter(
  pages: Pick<CursorPages<unknown>, 'reset'>,
): [string, (value: string) => void] {
  const [value, setValue] = useState('');
  return [
    value,
    (next) => {
      setValue(next);
      pages.reset();
    },
  ];
}

/** Newer/Older buttons under a cursor-paged table. */
export function CursorPager<C>({
  label,
  summary = 'Newest first',
  pages,
  next,
}: {
  label: string;
  summary?: string;
  pages: CursorPages<C>;
  /** The server's cursor for the next older page; none on the oldest page. */
  next: C | null | undefined;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <span>{summary}</span>
      <span className="toolbar" style={{ margin: 0 }}>
        <button type="button" className="small" disabled={pages.page <= 1} onClick={pages.newer}>
          Newer
        </button>
        <button
          type="button"
          className="small"
          disabled={!next}
          onClick={() => {
            if (next) pages.older(next);
          }}
        >
          Older
        </button>
      </span>
    </nav>
  );
}
