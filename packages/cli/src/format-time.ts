/** Server timestamps arrive as ISO strings over JSON (the router has no transformer). */
export type Timestamp = string | Date | null | undefined;

/** `2026-11-22 04:12:09Z`: sortable, unambiguous, and short enough for a table. */
export function formatTimestamp(value: Timestamp): string {
  if (value === null || value === undefined) return '-';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `12s ago`, `5m ago`, `3h ago`, `2d ago`. */
export function formatAge(value: Timestamp, now: Date): string {
  if (value === null || value === undefined) return 'never';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}
