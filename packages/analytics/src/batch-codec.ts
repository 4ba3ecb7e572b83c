import { z } from 'zod';
import {
  envelopeProblem,
  type RequestTuple,
  requestCandidate,
  requestTuple,
  StringTable,
} from './batch-tuples';
import type { RequestEvent } from './request-event';
import { requestEventProblem } from './request-event-check';

/**
 * Version 1 of the wire format of one analytics batch (the data of one BullMQ job).
 *
 * Compact because it is written to Redis for every 1,000 requests: times are offsets from the
 * batch's first event, and the repeated ids (API, route, service, instance, consumer, key,
 * method, error code) are indexes into a per-batch string table; -1 stands for null.
 *
 * Event tuple: [dtMs, requestId, api, route, service, instance, consumer, key, method, status,
 * totalMs, upstreamMs|null, bytesIn, bytesOut, clientIp|null, errorCode, tool?]; the MCP tool
 * index is a 17th element present only on tool calls, so REST events keep their size and
 * batches written before it existed still decode.
 */
export const BATCH_CODEC_VERSION = 1;

type EventTupleV1 = [...RequestTuple, tool?: number];

export const ZEncodedBatchV1 = z.object({
  v: z.literal(BATCH_CODEC_VERSION),
  id: z.string().regex(/^bat_[0-9a-z]{26}$/, 'a batch id (bat_…)'),
  node: z.string().min(1).max(64),
  t0: z.number().int().nonnegative(),
  s: z.array(z.string().max(300)),
  // The envelope is checked by the schema; each tuple by hand in decodeBatch, because a
  // per-element schema costs ~100 µs an event (~0.1 s a batch) where the hand check costs ~1 µs.
  e: z.array(z.unknown()).min(1).max(100_000),
});
export type EncodedBatch = Omit<z.infer<typeof ZEncodedBatchV1>, 'e'> & { e: EventTupleV1[] };

/** A batch as the worker processes it. */
export interface DecodedBatch {
  id: string;
  nodeId: string;
  events: RequestEvent[];
}

/** Thrown when a payload is not a batch this version can read; the job must not be retried. */
export class MalformedBatchError extends Error {
  override name = 'MalformedBatchError';
}

/**
 * Packs events (all from `nodeId`, which the batch carries once, so events need not) into the
 * compact wire format. `events` must not be empty.
 */
export function encodeBatch(
  id: string,
  nodeId: string,
  events: readonly Omit<RequestEvent, 'nodeId'>[],
): EncodedBatch {
  const table = new StringTable();
  let t0 = Number.POSITIVE_INFINITY;
  for (const event of events) if (event.time < t0) t0 = event.time;
  const tuples: EventTupleV1[] = events.map((ev) => {
    const tuple: EventTupleV1 = requestTuple(ev, t0, table);
    if (ev.tool !== undefined && ev.tool !== null) tuple.push(table.intern(ev.tool));
    return tuple;
  });
  return { v: BATCH_CODEC_VERSION, id, node: nodeId, t0, s: table.strings, e: tuples };
}

/**
 * Reads and validates a job payload. Throws MalformedBatchError naming the first problem, so a
 * bad job fails once and visibly instead of looping through retries.
 */
export function decodeBatch(payload: unknown): DecodedBatch {
  const parsed = ZEncodedBatchV1.safeParse(payload);
  if (!parsed.success) throw new MalformedBatchError(envelopeProblem(parsed.error));
  const batch = parsed.data;
  const lookup = (index: unknown, position: number, field: string): string | null => {
    if (index === -1) return null;
    const value = typeof index === 'number' && Number.isInteger(index) ? batch.s[index] : undefined;
    if (value === undefined) {
      throw new MalformedBatchError(
        `malformed analytics batch at e.${position}: ${field} refers to missing string ${String(index)}`,
      );
    }
    return value;
  };
  const events = batch.e.map((raw, position): RequestEvent => {
    if (!Array.isArray(raw) || (raw.length !== 16 && raw.length !== 17)) {
      throw new MalformedBatchError(
        `malformed analytics batch at e.${position}: must be a 16- or 17-field event tuple`,
      );
    }
    const tuple: unknown[] = raw;
    const dt = tuple[0];
    if (typeof dt !== 'number' || !Number.isInteger(dt) || dt < 0) {
      throw new MalformedBatchError(
        `malformed analytics batch at e.${position}.0: must be a time offset in ms`,
      );
    }
    const fields = requestCandidate(
      tuple,
      { time: batch.t0 + dt, nodeId: batch.node },
      (index, _, field) => lookup(index, position, field),
    );
    const candidate =
      tuple.length === 17 ? { ...fields, tool: lookup(tuple[16], position, 'tool') } : fields;
    const problem = requestEventProblem(candidate);
    if (problem !== null)
      throw new MalformedBatchError(`malformed analytics batch at e.${position}.${problem}`);
    // requestEventProblem just checked every field against RequestEvent's rules.
    return candidate as RequestEvent;
  });
  return { id: batch.id, nodeId: batch.node, events };
}
