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

/** Cells of one minute: API → route → consumer → key → status class (index 1..5). */
type MinuteCells = Map<string, Map<string, Map<string, Map<string, (HeldCell | undefined)[]>>>>;

/** A cell as the aggregator holds it: plus the latest request time, for the key's last use. */
type HeldCell = RollupCell & { t: number };

/**
 * Folds requests into per-minute rollup cells as they happen, so what is shipped and written
 * grows with the number of active series (minute × API × route × consumer × key × status class),
 * not with traffic. Counts are exact; latency is kept as the fixed-bucket histogram the rollup
 * tables store, which merges by addition.
 *
 * Cells are found through nested maps keyed by the ids themselves: the ids come from the
 * gateway's compiled config and credential objects, so their hashes are cached and a lookup
 * allocates nothing (a joined string key would build and hash a new string per request).
 */
/**
 * The map `outer` holds under `key`, made and stored first when absent: one level of the
 * aggregator's cell tree. No closure, so folding a request allocates only the levels it adds.
 */
function innerMap<K, K2, V2>(outer: Map<K, Map<K2, V2>>, key: K): Map<K2, V2> {
  let inner = outer.get(key);
  if (inner === undefined) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}

export class UsageAggregator {
  private minutes = new Map<number, MinuteCells>();
  private cellCount = 0;
  private lastMinute = Number.NaN;
  private lastMinuteCells: MinuteCells | undefined;
  private errorCells = new Map<string, ErrorCell>();
  private lastUsed = new Map<string, number>();
  private folded = 0;

  /** @param maxSeries rollup cells held at most; a request that would open one more is refused. */
  constructor(private readonly maxSeries = Number.POSITIVE_INFINITY) {}

  /** Requests folded in since the last drain. */
  get events(): number {
    return this.folded;
  }

  /** Rollup cells held now (cells of the current minute stay between drains, reset to zero). */
  get series(): number {
    return this.cellCount;
  }

  /** Folds one request in; false (and nothing counted) when it needs a cell past `maxSeries`. */
  add(ev: AggregatedRequest): boolean {
    const t = ev.time;
    const m =
      t >= this.lastMinute && t < this.lastMinute + MINUTE_MS
        ? this.lastMinute
        : t - (t % MINUTE_MS);
    const a = ev.apiId ?? '';
    const r = ev.routeId ?? '';
    const c = ev.consumerId ?? '';
    const k = ev.keyId ?? '';
    const s = statusClassOf(ev.status);
    // Almost every request falls in the same minute as the one before it.
    let minute = m === this.lastMinute ? this.lastMinuteCells : this.minutes.get(m);
    if (minute === undefined) {
      minute = new Map();
      this.minutes.set(m, minute);
    }
    this.lastMinute = m;
    this.lastMinuteCells = minute;
    const keys = innerMap(innerMap(innerMap(minute, a), r), c);
    let byClass = keys.get(k);
    if (byClass === undefined) {
      byClass = [undefined, undefined, undefined, undefined, undefined, undefined];
      keys.set(k, byClass);
    }
    let cell: HeldCell | undefined = byClass[s];
    if (cell === undefined) {
      if (this.cellCount >= this.maxSeries) return false;
      cell = { m, a, r, c, k, s, n: 0, e: 0, bi: 0, bo: 0, h: emptyHistogram(), t: 0 };
      byClass[s] = cell;
      this.cellCount++;
    }
    cell.n++;
    if (isErrorStatus(ev.status)) cell.e++;
    cell.bi += ev.bytesIn;
    cell.bo += ev.bytesOut;
    const bucket = latencyBucketIndex(ev.totalMs);
    cell.h[bucket] = (cell.h[bucket] ?? 0) + 1;
    this.folded++;

    if (ev.errorCode !== null) {
      // Only requests the gateway answered itself carry a code: few, so a joined key is fine.
      const errorKey = m + SEP + a + SEP + r + SEP + c + SEP + k + SEP + ev.errorCode;
      const existing = this.errorCells.get(errorKey);
      if (existing) existing.n++;
      else this.errorCells.set(errorKey, { m, a, r, c, k, code: ev.errorCode, n: 1 });
    }
    // A key's last use rides on its cells (no map operation per request); drain() takes the max.
    if (t > cell.t) cell.t = t;
    return true;
  }

  /**
   * Returns everything folded so far and starts empty. Cells come sorted by their primary key so
   * concurrent workers upserting overlapping cells lock rows in one order and cannot deadlock.
   */
  drain(): UsageAggregate {
    const rollups: RollupCell[] = [];
    let newest = Number.NEGATIVE_INFINITY;
    for (const m of this.minutes.keys()) if (m > newest) newest = m;
    for (const [m, minute] of this.minutes) {
      for (const routes of minute.values())
        for (const consumers of routes.values())
          for (const keys of consumers.values())
            for (const byClass of keys.values())
              for (const cell of byClass) {
                if (cell === undefined || cell.n === 0) continue;
                const { t, ...shipped } = cell;
                rollups.push({ ...shipped, h: cell.h.slice() });
                if (cell.k !== '' && t > (this.lastUsed.get(cell.k) ?? 0))
                  this.lastUsed.set(cell.k, t);
                // Reset in place: the next second's requests of the same series find their cell
                // without allocating one again.
                cell.n = 0;
                cell.e = 0;
                cell.bi = 0;
                cell.bo = 0;
                cell.h.fill(0);
              }
      // A minute that is over keeps no cells: late requests for it open fresh ones.
      if (m < newest) {
        this.minutes.delete(m);
        if (m === this.lastMinute) this.lastMinuteCells = undefined;
        this.cellCount -= countCells(minute);
      }
    }
    rollups.sort(compareCells);
    const aggregate: UsageAggregate = {
      rollups,
      errors: sortedByKey(this.errorCells),
      keyLastUsed: [...this.lastUsed.entries()]
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([id, t]) => ({ id, t })),
      events: this.folded,
    };
    this.errorCells = new Map();
    this.lastUsed = new Map();
    this.folded = 0;
    return aggregate;
  }

  /** Forgets every cell (the recorder's close). */
  clear(): void {
    this.minutes = new Map();
    this.lastMinute = Number.NaN;
    this.lastMinuteCells = undefined;
    this.cellCount = 0;
    this.errorCells = new Map();
    this.lastUsed = new Map();
    this.folded = 0;
  }
}

function countCells(minute: MinuteCells): number {
  let n = 0;
  for (const routes of minute.values())
    for (const consumers of routes.values())
      for (const keys of consumers.values())
        for (const byClass of keys.values()) for (const cell of byClass) if (cell) n++;
  return n;
}

function compareStrings(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The usage_minutes primary-key order: minute, API, route, consumer, key, status class. */
function compareCells(x: RollupCell, y: RollupCell): number {
  return (
    x.m - y.m ||
    compareStrings(x.a, y.a) ||
    compareStrings(x.r, y.r) ||
    compareStrings(x.c, y.c) ||
    compareStrings(x.k, y.k) ||
    x.s - y.s
  );
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
