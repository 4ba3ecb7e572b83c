import { z } from 'zod';
import { decodeBatch, MalformedBatchError, ZEncodedBatchV1 } from './batch-codec';
import {
  envelopeProblem,
  type RequestTuple,
  requestCandidate,
  requestTuple,
  StringTable,
} from './batch-tuples';
import { LATENCY_BUCKET_COUNT } from './latency-histogram';
import type { RequestEvent } from './request-event';
import { requestEventProblem } from './request-event-check';
import {
  aggregateRequests,
  type ErrorCell,
  type RollupCell,
  type UsageAggregate,
} from './usage-aggregate';

/**
 * Version 2 of the wire format of one analytics batch: the gateway's per-minute aggregates
 * (rollup cells, error-code cells, keys' last use) plus the raw rows kept for the request
 * explorer (every error, and a sample of successes). A batch's size follows the number of
 * active series and kept rows, not the number of requests it counts.
 *
 * Strings (ids, methods, error codes) are indexes into the batch's string table; -1 is null
 * (absent dimension). Times are offsets from `t0`.
 * Cell tuple: [dtMs, api, route, consumer, key, statusClass, count, errorCount, bytesIn, bytesOut, histogram]
 * Error tuple: [dtMs, api, route, consumer, key, errorCode, count]
 * Key tuple: [key, dtMs]
 * Row tuple: the 16 fields of a v1 event tuple, then 1 when the row was kept as a sample of
 * successes (others of its second were not logged) and 0 when every such request is logged,
 * then, on MCP tool calls only, the tool's string index (so REST rows keep their size).
 */
export const AGGREGATE_BATCH_CODEC_VERSION = 2;

type CellTuple = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number[],
];
type ErrorTuple = [number, number, number, number, number, number, number];
type KeyTuple = [number, number];
type RowTuple = [...RequestTuple, sampled: 0 | 1, tool?: number];

export const ZEncodedBatchV2 = z.object({
  v: z.literal(AGGREGATE_BATCH_CODEC_VERSION),
  id: z.string().regex(/^bat_[0-9a-z]{26}$/, 'a batch id (bat_…)'),
  node: z.string().min(1).max(64),
  t0: z.number().int().nonnegative(),
  /** Requests the batch counts: the sum of its cells' counts. */
  n: z.number().int().nonnegative(),
  s: z.array(z.string().max(300)),
  // Tuples are checked by hand in decodeAnalyticsBatch (see batch-codec for why).
  c: z.array(z.unknown()).max(1_000_000),
  x: z.array(z.unknown()).max(1_000_000),
  u: z.array(z.unknown()).max(1_000_000),
  e: z.array(z.unknown()).max(100_000),
});
export type EncodedBatchV2 = Omit<z.infer<typeof ZEncodedBatchV2>, 'c' | 'x' | 'u' | 'e'> & {
  c: CellTuple[];
  x: ErrorTuple[];
  u: KeyTuple[];
  e: RowTuple[];
};

/** A raw request-log row: the request, and whether it stands for others not logged. */
export type LoggedRequest = RequestEvent & { sampled: boolean };

/** A recorded request as the recorder keeps it for the log, before the node id is attached. */
export type KeptRow = Omit<RequestEvent, 'nodeId'> & { sampled: boolean };

/** An analytics batch of either version, as the worker applies it. */
export interface AnalyticsBatch {
  id: string;
  nodeId: string;
  /** Requests counted. */
  events: number;
  aggregate: UsageAggregate;
  rows: LoggedRequest[];
}

/** Packs an aggregate and the kept rows into the v2 wire format. */
export function encodeAggregateBatch(
  id: string,
  nodeId: string,
  aggregate: UsageAggregate,
  rows: readonly KeptRow[],
): EncodedBatchV2 {
  const table = new StringTable();
  const intern = (value: string | null) => table.intern(value);
  const dim = (value: string) => (value === '' ? -1 : intern(value));
  // A cell's minute (as an offset) and its four dimensions, the first five fields of both cells.
  const key = (x: RollupCell | ErrorCell) =>
    [x.m - t0, dim(x.a), dim(x.r), dim(x.c), dim(x.k)] as const;
  let t0 = Number.POSITIVE_INFINITY;
  for (const cell of aggregate.rollups) if (cell.m < t0) t0 = cell.m;
  for (const row of rows) if (row.time < t0) t0 = row.time;
  if (t0 === Number.POSITIVE_INFINITY) t0 = 0;
  return {
    v: AGGREGATE_BATCH_CODEC_VERSION,
    id,
    node: nodeId,
    t0,
    n: aggregate.events,
    c: aggregate.rollups.map((x) => [...key(x), x.s, x.n, x.e, x.bi, x.bo, x.h]),
    x: aggregate.errors.map((x) => [...key(x), intern(x.code), x.n]),
    u: aggregate.keyLastUsed.map((x) => [intern(x.id), x.t - t0]),
    e: rows.map((ev): RowTuple => {
      const row: RowTuple = [...requestTuple(ev, t0, table), ev.sampled ? 1 : 0];
      if (ev.tool !== undefined && ev.tool !== null) row.push(intern(ev.tool));
      return row;
    }),
    s: table.strings,
  };
}

/**
 * Reads a job payload of either version (v1: one tuple per request, from gateways not yet
 * upgraded; v2: aggregates) and validates it. Throws MalformedBatchError naming the first
 * problem, so a bad job fails once and visibly.
 */
export function decodeAnalyticsBatch(payload: unknown): AnalyticsBatch {
  if (typeof payload === 'object' && payload !== null && 'v' in payload && payload.v === 1) {
    const v1 = decodeBatch(payload);
    return {
      id: v1.id,
      nodeId: v1.nodeId,
      events: v1.events.length,
      aggregate: aggregateRequests(v1.events),
      rows: v1.events.map((event) => ({ ...event, sampled: false })),
    };
  }
  const parsed = ZEncodedBatchV2.safeParse(payload);
  if (!parsed.success) throw new MalformedBatchError(envelopeProblem(parsed.error));
  const batch = parsed.data;
  const fail = (where: string, message: string): never => {
    throw new MalformedBatchError(`malformed analytics batch at ${where}: ${message}`);
  };
  const lookup = (index: unknown, where: string): string | null => {
    if (index === -1) return null;
    const value = typeof index === 'number' && Number.isInteger(index) ? batch.s[index] : undefined;
    return value === undefined ? fail(where, `refers to missing string ${String(index)}`) : value;
  };
  const dim = (index: unknown, where: string): string => {
    const value = lookup(index, where) ?? '';
    return value.length > 64 ? fail(where, 'must be an id of at most 64 characters') : value;
  };
  const count = (value: unknown, where: string, min = 0): number =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min
      ? value
      : fail(where, `must be an integer of at least ${min}`);
  const minute = (value: unknown, where: string): number => {
    const m = batch.t0 + count(value, where);
    return m % 60_000 === 0 ? m : fail(where, 'must fall on a minute');
  };
  const tuple = (raw: unknown, length: number, where: string): unknown[] =>
    Array.isArray(raw) && raw.length === length
      ? raw
      : fail(where, `must be a ${length}-field tuple`);
  // The minute and four dimensions both cell kinds start with.
  const cellKey = (t: unknown[], at: string) => ({
    m: minute(t[0], `${at}.0`),
    a: dim(t[1], `${at}.1`),
    r: dim(t[2], `${at}.2`),
    c: dim(t[3], `${at}.3`),
    k: dim(t[4], `${at}.4`),
  });

  let total = 0;
  const rollups = batch.c.map((raw, i): RollupCell => {
    const at = `c.${i}`;
    const t = tuple(raw, 11, at);
    const n = count(t[6], `${at}.6`, 1);
    const e = count(t[7], `${at}.7`);
    if (e > n) fail(`${at}.7`, 'more errors than requests');
    const s = count(t[5], `${at}.5`, 1);
    if (s > 5) fail(`${at}.5`, 'must be a status class 1..5');
    const h = t[10];
    if (!Array.isArray(h) || h.length !== LATENCY_BUCKET_COUNT)
      fail(`${at}.10`, `must be a ${LATENCY_BUCKET_COUNT}-bucket histogram`);
    const histogram = (h as unknown[]).map((v, j) => count(v, `${at}.10.${j}`));
    if (histogram.reduce((sum, v) => sum + v, 0) !== n)
      fail(`${at}.10`, 'histogram must add up to the count');
    total += n;
    return {
      ...cellKey(t, at),
      s,
      n,
      e,
      bi: count(t[8], `${at}.8`),
      bo: count(t[9], `${at}.9`),
      h: histogram,
    };
  });
  if (total !== batch.n) fail('n', `says ${batch.n} requests but the cells count ${total}`);
  const errors = batch.x.map((raw, i): ErrorCell => {
    const at = `x.${i}`;
    const t = tuple(raw, 7, at);
    const code = lookup(t[5], `${at}.5`);
    if (code === null || !/^[A-Z][A-Z0-9_]{0,63}$/.test(code))
      fail(`${at}.5`, 'must be a gateway error code');
    return {
      ...cellKey(t, at),
      code: code ?? '',
      n: count(t[6], `${at}.6`, 1),
    };
  });
  const keyLastUsed = batch.u.map((raw, i) => {
    const t = tuple(raw, 2, `u.${i}`);
    const id = dim(t[0], `u.${i}.0`);
    if (id === '') fail(`u.${i}.0`, 'must be a key id');
    return { id, t: batch.t0 + count(t[1], `u.${i}.1`) };
  });
  const rows = batch.e.map((raw, position): LoggedRequest => {
    const at = `e.${position}`;
    const t = Array.isArray(raw) && raw.length === 18 ? (raw as unknown[]) : tuple(raw, 17, at);
    const fields = requestCandidate(
      t,
      { time: batch.t0 + count(t[0], `${at}.0`), nodeId: batch.node },
      (index, i) => lookup(index, `${at}.${i}`),
    );
    const candidate = t.length === 18 ? { ...fields, tool: lookup(t[17], `${at}.17`) } : fields;
    const problem = requestEventProblem(candidate);
    if (problem !== null) fail(at, problem);
    if (t[16] !== 0 && t[16] !== 1) fail(`${at}.16`, 'must be 0 or 1 (sampled)');
    // requestEventProblem just checked every field against RequestEvent's rules.
    return { ...(candidate as RequestEvent), sampled: t[16] === 1 };
  });
  return {
    id: batch.id,
    nodeId: batch.node,
    events: batch.n,
    aggregate: { rollups, errors, keyLastUsed, events: batch.n },
    rows,
  };
}

/** Either wire version, as the worker's job schema accepts it (tuples are checked on decode). */
export const ZEncodedAnalyticsBatch = z.union([ZEncodedBatchV1, ZEncodedBatchV2]);
