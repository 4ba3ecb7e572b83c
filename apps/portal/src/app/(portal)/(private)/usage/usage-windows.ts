/**
 * The usage page's time windows, shared by the server page (which checks the URL's ?window=) and
 * the client view (which queries them). Not in the client module: a server component may not
 * read values exported from a 'use client' file.
 */
export const WINDOWS = [
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000, granularity: 'minute' },
  { value: '1h', label: 'Last hour', ms: 3_600_000, granularity: 'minute' },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000, granularity: 'hour' },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, granularity: 'day' },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, granularity: 'day' },
] as const;
export type Window = (typeof WINDOWS)[number]['value'];
