import { emptyHistogram, latencyBucketIndex } from './latency-histogram';
import { isErrorStatus, type RequestEvent, statusClassOf } from './request-event';

/**
 * One per-minute rollup cell (short keys: it travels in every batch and into jsonb_to_recordset).
 * Dimensions absent from a request are empty strings, as in the usage_minutes primary key.
 */
export interface RollupCell {
  /** Minute start, epoch ms. */
  m: number;
  a: string;
  r: string;
  c: string;
  k: string;
  /** Status class, 1..5. */
  s: number;
  /** Requests. */
  n: number;
  /** Of those, 4xx and 5xx answers. */
  e: number;
  bi: number;
  bo: number;
  /** Latency histogram over LATENCY_BUCKET_BOUNDS_MS (see latency-histogram). */
  h: number[];
}

/** Requests the gateway answered itself with `code`, per minute and dimensions. */
export interface ErrorCell {
  m: number;
  a: string;
  r: string;
  c: string;
  k: string;
  code: string;
  n: number;
}

/** Everything the rollup tables need from a set of requests, independent of how many there were. */
export interface UsageAggregate {
  rollups: RollupCell[];
  errors: ErrorCell[];
  /** Latest request time (epoch ms) per key id. */
  keyLastUsed: { id: string; t: number }[];
  /** Requests folded in: the sum of every rollup cell's `n`. */
  events: number;
}

/** The fields of a request that its rollups are made of. */
export type AggregatedRequest = Pick<
  RequestEvent,
  | 'time'
  | 'apiId'
  | 'routeId'
  | 'consumerId'
  | 'keyId'
  | 'status'
  | 'totalMs'
  | 'bytesIn'
  | 'bytesOut'
  | 'errorCode'
>;

const MINUTE_MS = 60_000;
const SEP = '\u0000';

/**
 * Folds requests into per-minute rollup cells as they happen, so what is shipped and written
 * grows with the number of active series (minute × API × route × consumer × key × status class),
 * not with traffic. Counts are exact; latency is kept as the fixed-bucket histogram the rollup
 * tables store, which merges by addition.
 */
export class UsageAggregator {
  private cells = new Map<string, RollupCell>();
  private errorCells = new Map<string, ErrorCell>();
  private lastUsed = new Map<string, number>();
  private folded = 0;

  /** @param maxSeries rollup cells held at most; a request that would open one more is refused. */
  constructor(private readonly maxSeries = Number.POSITIVE_INFINITY) {}

  /** Requests folded in since the last drain. */
  get events(): number {
    return this.folded;
  }

  /** Rollup cells held now. */
  get series(): number {
    return this.cells.size;
  }

  /** Folds one request in; false (and nothing changed) when it needs a cell past `maxSeries`. */
  add(ev: AggregatedRequest): boolean {
    const m = ev.time - (ev.time % MINUTE_MS);
    const a = ev.apiId ?? '';
    const r = ev.routeId ?? '';
    const c = ev.consumerId ?? '';
    const k = ev.keyId ?? '';
    const s = statusClassOf(ev.status);
    const key = m + SEP + a + SEP + r + SEP + c + SEP + k + SEP + s;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      if (this.cells.size >= this.maxSeries) return false;
      cell = { m, a, r, c, k, s, n: 0, e: 0, bi: 0, bo: 0, h: emptyHistogram() };
      this.cells.set(key, cell);
    }
    cell.n++;
    if (isErrorStatus(ev.status)) cell.e++;
    cell.bi += ev.bytesIn;
    cell.bo += ev.bytesOut;
    const bucket = latencyBucketIndex(ev.totalMs);
    cell.h[bucket] = (cell.h[bucket] ?? 0) + 1;
    this.folded++;

    if (ev.errorCode !== null) {
      const errorKey = key + SEP + ev.errorCode;
      const existing = this.errorCells.get(errorKey);
      if (existing) existing.n++;
      else this.errorCells.set(errorKey, { m, a, r, c, k, code: ev.errorCode, n: 1 });
    }
    if (ev.keyId !== null) {
      const previous = this.lastUsed.get(ev.keyId);
      if (previous === undefined || ev.time > previous) this.lastUsed.set(ev.keyId, ev.time);
    }
    return true;
  }

  /**
   * Returns everything folded so far and starts empty. Cells come sorted by their primary key so
   * concurrent workers upserting overlapping cells lock rows in one order and cannot deadlock.
   */
  drain(): UsageAggregate {
    const aggregate: UsageAggregate = {
      rollups: sortedByKey(this.cells),
      errors: mergeErrorCells(this.errorCells),
      keyLastUsed: [...this.lastUsed.entries()]
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([id, t]) => ({ id, t })),
      events: this.folded,
    };
    this.cells = new Map();
    this.errorCells = new Map();
    this.lastUsed = new Map();
    this.folded = 0;
    return aggregate;
  }
}

/** Folds a list of requests into one aggregate (the worker's path for per-request batches). */
export function aggregateRequests(events: readonly AggregatedRequest[]): UsageAggregate {
  const aggregator = new UsageAggregator();
  for (const event of events) aggregator.add(event);
  return aggregator.drain();
}

function sortedByKey<T>(entries: Map<string, T>): T[] {
  return [...entries.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
}

/**
 * Error cells are keyed by status class too while folding (the class is part of the rollup key
 * they share); the error table has no status class, so cells differing only by it are summed.
 */
function mergeErrorCells(cells: Map<string, ErrorCell>): ErrorCell[] {
  const merged = new Map<string, ErrorCell>();
  for (const cell of cells.values()) {
    const key =
      cell.m + SEP + cell.a + SEP + cell.r + SEP + cell.c + SEP + cell.k + SEP + cell.code;
    const existing = merged.get(key);
    if (existing) existing.n += cell.n;
    else merged.set(key, { ...cell });
  }
  return sortedByKey(merged);
}
