'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

/**
 * Page state kept in the URL's query (filters, search, range), so a view can be reloaded, shared
 * and returned to with Back. Values equal to their default leave the URL. The URL changes through
 * `history.replaceState`, which Next's router follows without a server round trip.
 */
export function useUrlState<K extends string>(
  defaults: Readonly<Record<K, string>>,
): [Record<K, string>, (next: Partial<Record<K, string>>) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const keys = Object.keys(defaults) as K[];
  const values = {} as Record<K, string>;
  for (const key of keys) values[key] = params.get(key) ?? defaults[key];
  const set = useCallback(
    (next: Partial<Record<K, string>>) => {
      const query = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(next) as [K, string | undefined][]) {
        if (value === undefined || value === defaults[key]) query.delete(key);
        else query.set(key, value);
      }
      const search = query.toString();
      window.history.replaceState(null, '', search ? `${pathname}?${search}` : pathname);
    },
    [defaults, pathname],
  );
  return [values, set];
}
