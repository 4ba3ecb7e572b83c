/**
 * tRPC sends dates as ISO text (no transformer), though the router's types say Date; every date
 * shown goes through here.
 */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 min ago", "in 2 hours": how far `value` is from `now`. */
export function relativeTime(value: Date | string, now: Date = new Date()): string {
  const seconds = Math.round((toDate(value).getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return RELATIVE.format(seconds, 'second');
  if (abs < 3600) return RELATIVE.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return RELATIVE.format(Math.round(seconds / 3600), 'hour');
  return RELATIVE.format(Math.round(seconds / 86_400), 'day');
}

/** A date and time in the reader's locale. */
export function dateTime(value: Date | string): string {
  return toDate(value).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

export function count(value: number): string {
  return value.toLocaleString('en');
}

/** "100 requests / minute". */
export function perPeriod(limit: { requests: number; per: string } | null): string {
  return limit ? `${count(limit.requests)} / ${limit.per}` : 'Unlimited';
}
