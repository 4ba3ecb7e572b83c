import { anonymiseIp } from './anonymise-ip';
import { BATCH_CODEC_VERSION, type EncodedBatch } from './batch-codec';
import { Latin1StringColumn } from './latin1-string-column';
import type { RequestEvent } from './request-event';

/** An event as a gateway records it: the node id travels once per batch. */
type RecordedEvent = Omit<RequestEvent, 'nodeId'>;
type EventTuple = EncodedBatch['e'][number];

/** Row flags. */
const UPSTREAM_NULL = 1;
/** A numeric field held something the numeric columns cannot store as given: the row is invalid. */
const UNSTORABLE = 2;

/**
 * Per-request strings are copied into byte columns this wide. Request ids: the gateway's own are
 * 30 characters, a client's UUID 36; client addresses: IPv6 text is at most 39 characters without
 * an embedded IPv4 tail. Longer values are kept by reference (see Latin1StringColumn).
 */
const REQUEST_ID_WIDTH = 48;
const CLIENT_IP_WIDTH = 40;

/** The limits of ZRequestEvent (kept in step with request-event-check.ts by a test). */
const MAX_MS = 86_400_000;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** What cutting a batch produced. */
export interface CutBatch {
  /** The valid events of the batch in wire format, null when none was valid. */
  payload: EncodedBatch | null;
  /** Valid events in `payload`. */
  events: number;
  /** Rows taken that broke the event rules and were left out. */
  invalid: number;
}

export interface CutBatchOptions {
  batchId: string;
  nodeId: string;
  /** Replace each client address by `anonymiseIp(address)` before encoding. */
  anonymiseIp: boolean;
}

/**
 * A bounded FIFO of recorded request events stored column by column in preallocated typed
 * arrays (numbers, and per-request strings copied as bytes) and arrays of string references (ids
 * from the config, shared by many events and long in the old generation anyway). Recording
 * copies an event's fields and keeps no reference to the event or to the strings minted for it,
 * so they die young instead of being promoted to the old generation while they wait for their
 * batch. The columns are allocated once, for `capacity` events.
 *
 * Rows are checked against the RequestEvent rules only when a batch is cut, off the request
 * path, and a batch is encoded straight from the columns into the wire format.
 */
export class RecordedEventColumns {
  private head = 0;
  private count = 0;

  private readonly time: Float64Array;
  private readonly status: Uint16Array;
  private readonly totalMs: Float64Array;
  private readonly upstreamMs: Float64Array;
  private readonly bytesIn: Float64Array;
  private readonly bytesOut: Float64Array;
  private readonly flags: Uint8Array;
  private readonly requestId: Latin1StringColumn;
  private readonly clientIp: Latin1StringColumn;
  private readonly apiId: (string | null)[];
  private readonly routeId: (string | null)[];
  private readonly serviceId: (string | null)[];
  private readonly instance: (string | null)[];
  private readonly consumerId: (string | null)[];
  private readonly keyId: (string | null)[];
  private readonly method: (string | null)[];
  private readonly errorCode: (string | null)[];

  /** Reused by every cut: the string table's index of each string. */
  private readonly stringIndex = new Map<string, number>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.time = new Float64Array(capacity);
    this.status = new Uint16Array(capacity);
    this.totalMs = new Float64Array(capacity);
    this.upstreamMs = new Float64Array(capacity);
    this.bytesIn = new Float64Array(capacity);
    this.bytesOut = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.requestId = new Latin1StringColumn(capacity, REQUEST_ID_WIDTH);
    this.clientIp = new Latin1StringColumn(capacity, CLIENT_IP_WIDTH);
    this.apiId = referenceColumn(capacity);
    this.routeId = referenceColumn(capacity);
    this.serviceId = referenceColumn(capacity);
    this.instance = referenceColumn(capacity);
    this.consumerId = referenceColumn(capacity);
    this.keyId = referenceColumn(capacity);
    this.method = referenceColumn(capacity);
    this.errorCode = referenceColumn(capacity);
  }

  /** Events held. */
  get size(): number {
    return this.count;
  }

  /** Copies `event` in as the newest row; when full, first discards the oldest and returns true. */
  push(event: RecordedEvent): boolean {
    let dropped = false;
    if (this.count === this.capacity) {
      this.dropOldest();
      dropped = true;
    }
    let row = this.head + this.count;
    if (row >= this.capacity) row -= this.capacity;
    this.count++;

    const { time, status, totalMs, upstreamMs, bytesIn, bytesOut } = event;
    // The types promise numbers; a caller that breaks them must not have a string coerced into a
    // valid-looking number, so such a row is marked and later refused as the checks would.
    // A status that is not a 16-bit integer breaks its rule (100 to 599) anyway.
    let flags = 0;
    if (
      typeof time === 'number' &&
      typeof totalMs === 'number' &&
      typeof bytesIn === 'number' &&
      typeof bytesOut === 'number' &&
      typeof status === 'number' &&
      (status & 0xffff) === status
    ) {
      this.time[row] = time;
      this.status[row] = status;
      this.totalMs[row] = totalMs;
      this.bytesIn[row] = bytesIn;
      this.bytesOut[row] = bytesOut;
      if (upstreamMs === null) flags = UPSTREAM_NULL;
      else if (typeof upstreamMs === 'number') this.upstreamMs[row] = upstreamMs;
      else flags = UNSTORABLE;
    } else {
      flags = UNSTORABLE;
    }
    this.flags[row] = flags;
    this.requestId.write(row, event.requestId);
    this.clientIp.write(row, event.clientIp);
    this.apiId[row] = event.apiId;
    this.routeId[row] = event.routeId;
    this.serviceId[row] = event.serviceId;
    this.instance[row] = event.instance;
    this.consumerId[row] = event.consumerId;
    this.keyId[row] = event.keyId;
    this.method[row] = event.method;
    this.errorCode[row] = event.errorCode;
    return dropped;
  }

  /** Discards the oldest row; false when empty. */
  dropOldest(): boolean {
    if (this.count === 0) return false;
    this.release(this.head);
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.count--;
    return true;
  }

  /** Discards every row. */
  clear(): void {
    while (this.dropOldest());
  }

  /**
   * Removes up to `max` of the oldest rows and encodes the valid ones, oldest first, exactly as
   * `encodeBatch` encodes the same events (client addresses anonymised first when asked). Rows
   * that break the RequestEvent rules are counted in `invalid` and left out.
   */
  cutBatch(max: number, options: CutBatchOptions): CutBatch {
    const taken = Math.min(max, this.count);
    const validRows = new Uint32Array(taken);
    let valid = 0;
    let t0 = Number.POSITIVE_INFINITY;
    let row = this.head;
    for (let k = 0; k < taken; k++) {
      if (this.isValidRow(row)) {
        validRows[valid++] = row;
        const time = this.time[row] as number;
        if (time < t0) t0 = time;
      }
      row = row + 1 === this.capacity ? 0 : row + 1;
    }

    let payload: EncodedBatch | null = null;
    if (valid > 0) {
      const strings: string[] = [];
      const indexOf = this.stringIndex;
      // Interned in the order encodeBatch interns them, so the string tables are identical.
      const intern = (value: string | null): number => {
        if (value === null) return -1;
        let index = indexOf.get(value);
        if (index === undefined) {
          index = strings.length;
          strings.push(value);
          indexOf.set(value, index);
        }
        return index;
      };
      const tuples: EventTuple[] = new Array<EventTuple>(valid);
      for (let j = 0; j < valid; j++) {
        const r = validRows[j] as number;
        // Valid rows hold a string in requestId and a string or null in clientIp.
        const rawIp = this.clientIp.read(r) as string | null;
        tuples[j] = [
          (this.time[r] as number) - t0,
          this.requestId.read(r) as string,
          intern(this.apiId[r] ?? null),
          intern(this.routeId[r] ?? null),
          intern(this.serviceId[r] ?? null),
          intern(this.instance[r] ?? null),
          intern(this.consumerId[r] ?? null),
          intern(this.keyId[r] ?? null),
          intern(this.method[r] ?? null),
          this.status[r] as number,
          this.totalMs[r] as number,
          ((this.flags[r] as number) & UPSTREAM_NULL) !== 0 ? null : (this.upstreamMs[r] as number),
          this.bytesIn[r] as number,
          this.bytesOut[r] as number,
          options.anonymiseIp && rawIp !== null ? anonymiseIp(rawIp) : rawIp,
          intern(this.errorCode[r] ?? null),
        ];
      }
      indexOf.clear();
      payload = {
        v: BATCH_CODEC_VERSION,
        id: options.batchId,
        node: options.nodeId,
        t0,
        s: strings,
        e: tuples,
      };
    }

    for (let k = 0; k < taken; k++) this.dropOldest();
    return { payload, events: valid, invalid: taken - valid };
  }

  /** The rules of `recordedEventProblem`, applied to a row's stored values. */
  private isValidRow(row: number): boolean {
    const flags = this.flags[row] as number;
    if (flags & UNSTORABLE) return false;
    const time = this.time[row] as number;
    const status = this.status[row] as number;
    const totalMs = this.totalMs[row] as number;
    const bytesIn = this.bytesIn[row] as number;
    const bytesOut = this.bytesOut[row] as number;
    return (
      Number.isInteger(time) &&
      time >= 0 &&
      time <= Number.MAX_SAFE_INTEGER &&
      this.requestId.holdsString(row, 1, 64, false) &&
      isStringOrNull(this.apiId[row], 1, 64) &&
      isStringOrNull(this.routeId[row], 1, 64) &&
      isStringOrNull(this.serviceId[row], 1, 64) &&
      isStringOrNull(this.instance[row], 1, 300) &&
      isStringOrNull(this.consumerId[row], 1, 64) &&
      isStringOrNull(this.keyId[row], 1, 64) &&
      isString(this.method[row], 1, 16) &&
      status >= 100 &&
      status <= 599 &&
      isMs(totalMs) &&
      ((flags & UPSTREAM_NULL) !== 0 || isMs(this.upstreamMs[row] as number)) &&
      isCount(bytesIn) &&
      isCount(bytesOut) &&
      this.clientIp.holdsString(row, 0, 64, true) &&
      isErrorCodeOrNull(this.errorCode[row])
    );
  }

  private release(row: number): void {
    this.requestId.release(row);
    this.clientIp.release(row);
    // Strings from the config are shared and long-lived, but an error code or id built per
    // request would otherwise stay reachable until its slot is reused.
    this.apiId[row] = null;
    this.routeId[row] = null;
    this.serviceId[row] = null;
    this.instance[row] = null;
    this.consumerId[row] = null;
    this.keyId[row] = null;
    this.method[row] = null;
    this.errorCode[row] = null;
  }
}

function referenceColumn(rows: number): (string | null)[] {
  // fill() keeps fast elements however long the column is; a column pushed to length would
  // cost ten times as long to build.
  return new Array<string | null>(rows).fill(null);
}

function isString(value: unknown, minLength: number, maxLength: number): boolean {
  return typeof value === 'string' && value.length >= minLength && value.length <= maxLength;
}

function isStringOrNull(value: unknown, minLength: number, maxLength: number): boolean {
  return value === null || isString(value, minLength, maxLength);
}

function isMs(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= MAX_MS;
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER;
}

function isErrorCodeOrNull(value: unknown): boolean {
  return value === null || (typeof value === 'string' && ERROR_CODE.test(value));
}
