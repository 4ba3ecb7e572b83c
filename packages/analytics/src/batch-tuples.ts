import type { z } from 'zod';
import type { RequestEvent } from './request-event';

/**
 * What the v1 and v2 batch codecs share: the per-batch string table and the request tuple, so
 * both versions write and read a request's fields the same way.
 */

/** Each distinct string once per batch, referred to by its index; -1 stands for null. */
export class StringTable {
  readonly strings: string[] = [];
  private readonly indexOf = new Map<string, number>();

  intern(value: string | null): number {
    if (value === null) return -1;
    let index = this.indexOf.get(value);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(value);
      this.indexOf.set(value, index);
    }
    return index;
  }
}

/**
 * A request's first sixteen wire fields: [dtMs, requestId, api, route, service, instance,
 * consumer, key, method, status, totalMs, upstreamMs|null, bytesIn, bytesOut, clientIp|null,
 * errorCode]. Each version appends its own fields after them (v2 the sampled flag, both the
 * optional MCP tool last).
 */
export type RequestTuple = [
  dtMs: number,
  requestId: string,
  api: number,
  route: number,
  service: number,
  instance: number,
  consumer: number,
  key: number,
  method: number,
  status: number,
  totalMs: number,
  upstreamMs: number | null,
  bytesIn: number,
  bytesOut: number,
  clientIp: string | null,
  errorCode: number,
];

/** Writes a request's sixteen shared fields, its time as an offset from `t0`. */
export function requestTuple(
  ev: Omit<RequestEvent, 'nodeId'>,
  t0: number,
  table: StringTable,
): RequestTuple {
  return [
    ev.time - t0,
    ev.requestId,
    table.intern(ev.apiId),
    table.intern(ev.routeId),
    table.intern(ev.serviceId),
    table.intern(ev.instance),
    table.intern(ev.consumerId),
    table.intern(ev.keyId),
    table.intern(ev.method),
    ev.status,
    ev.totalMs,
    ev.upstreamMs,
    ev.bytesIn,
    ev.bytesOut,
    ev.clientIp,
    table.intern(ev.errorCode),
  ];
}

/** Resolves a string-table index found at `position` of the tuple (its field named `field`). */
export type TupleLookup = (index: unknown, position: number, field: string) => string | null;

/**
 * Reads a request's sixteen shared fields back into an unchecked RequestEvent candidate (the
 * caller checks it with requestEventProblem); `time` is already resolved from the offset.
 */
export function requestCandidate(
  tuple: readonly unknown[],
  at: { time: number; nodeId: string },
  lookup: TupleLookup,
) {
  return {
    time: at.time,
    requestId: tuple[1],
    nodeId: at.nodeId,
    apiId: lookup(tuple[2], 2, 'apiId'),
    routeId: lookup(tuple[3], 3, 'routeId'),
    serviceId: lookup(tuple[4], 4, 'serviceId'),
    instance: lookup(tuple[5], 5, 'instance'),
    consumerId: lookup(tuple[6], 6, 'consumerId'),
    keyId: lookup(tuple[7], 7, 'keyId'),
    method: lookup(tuple[8], 8, 'method'),
    status: tuple[9],
    totalMs: tuple[10],
    upstreamMs: tuple[11],
    bytesIn: tuple[12],
    bytesOut: tuple[13],
    clientIp: tuple[14],
    errorCode: lookup(tuple[15], 15, 'errorCode'),
  };
}

/** The "malformed analytics batch at <path>: <message>" text of a batch's envelope failing its schema. */
export function envelopeProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue ? issue.path.join('.') || '(root)' : '(root)';
  return `malformed analytics batch at ${where}: ${issue?.message ?? 'invalid'}`;
}
