import {
  emptyHistogram,
  isErrorStatus,
  latencyBucketIndex,
  type RequestEvent,
  statusClassOf,
} from '@portico/analytics';

/** One per-minute rollup cell as JSON for jsonb_to_recordset (short keys keep the payload small). */
export interface RollupCell {
  /** Minute start, epoch ms. */
  m: number;
  a: string;
  r: string;
  c: string;
  k: string;
  s: number;
  n: number;
  e: number;
  bi: number;
  bo: number;
  h: number[];
}

export interface ErrorCell {
  m: number;
  a: string;
  r: string;
  c: string;
  k: string;
  code: string;
  n: number;
}

export interface BatchAggregate {
  rollups: RollupCell[];
  errors: ErrorCell[];
  /** Latest request time (epoch ms) per key id. */
  keyLastUsed: { id: string; t: number }[];
}

const MINUTE_MS = 60_000;

/**
 * Folds a batch into rollup cells, sorted by their primary key so that concurrent workers
 * upserting overlapping cells take row locks in the same order and cannot deadlock.
 */
export function aggregateBatch(events: readonly RequestEvent[]): BatchAggregate {
  const cells = new Map<string, RollupCell>();
  const errors = new Map<string, ErrorCell>();
  const lastUsed = new Map<string, number>();
  for (const ev of events) {
    const m = Math.floor(ev.time / MINUTE_MS) * MINUTE_MS;
    const a = ev.apiId ?? '';
    const r = ev.routeId ?? '';
    const c = ev.consumerId ?? '';
    const k = ev.keyId ?? '';
    const s = statusClassOf(ev.status);
    const key = `${m}\u0000${a}\u0000${r}\u0000${c}\u0000${k}\u0000${s}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { m, a, r, c, k, s, n: 0, e: 0, bi: 0, bo: 0, h: emptyHistogram() };
      cells.set(key, cell);
    }
    cell.n++;
    if (isErrorStatus(ev.status)) cell.e++;
    cell.bi += ev.bytesIn;
    cell.bo += ev.bytesOut;
    const bucket = latencyBucketIndex(ev.totalMs);
    cell.h[bucket] = (cell.h[bucket] ?? 0) + 1;

    if (ev.errorCode !== null) {
      const errorKey = `${m}\u0000${a}\u0000${r}\u0000${c}\u0000${k}\u0000${ev.errorCode}`;
      const existing = errors.get(errorKey);
      if (existing) existing.n++;
      else errors.set(errorKey, { m, a, r, c, k, code: ev.errorCode, n: 1 });
    }
    if (ev.keyId !== null) {
      const previous = lastUsed.get(ev.keyId) ?? 0;
      if (ev.time > previous) lastUsed.set(ev.keyId, ev.time);
    }
  }
  const byKey = <T>(entries: Map<string, T>) =>
    [...entries.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
  return {
    rollups: byKey(cells),
    errors: byKey(errors),
    keyLastUsed: [...lastUsed.entries()]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([id, t]) => ({ id, t })),
  };
}
