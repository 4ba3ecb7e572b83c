import type { Quota } from '@portico/config';

const DAY_MS = 86_400_000;

/** One calendar quota period in UTC: `id` changes exactly when the counter must restart. */
export interface QuotaPeriod {
  id: number;
  startMs: number;
  endMs: number;
}

/**
 * The UTC calendar day or month containing `nowMs`. The Lua script computes the same thing
 * from Redis time (see limiter-script.ts); the local fallback and the tests use this one.
 * Day ids are days since the epoch; month ids are `year * 12 + monthIndex`.
 */
export function quotaPeriodAt(nowMs: number, per: Quota['per']): QuotaPeriod {
  const day = Math.floor(nowMs / DAY_MS);
  if (per === 'day') return { id: day, startMs: day * DAY_MS, endMs: (day + 1) * DAY_MS };
  const date = new Date(nowMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    id: year * 12 + month,
    startMs: Date.UTC(year, month, 1),
    endMs: Date.UTC(year, month + 1, 1),
  };
}
