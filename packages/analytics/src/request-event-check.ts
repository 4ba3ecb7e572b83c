import type { RequestEvent } from './request-event';

const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_MS = 86_400_000;

type Check = (value: unknown) => string | null;

const str =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max
      ? null
      : `must be a string of ${min} to ${max} characters`;
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null ? null : check(v);
const int =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? null
      : `must be an integer from ${min} to ${max}`;
const ms: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_MS
    ? null
    : `must be a number of milliseconds from 0 to ${MAX_MS}`;
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? null : check(v);
const errorCode: Check = (v) =>
  typeof v === 'string' && ERROR_CODE.test(v) ? null : 'must be an upper-case gateway error code';

/** The constraints of ZRequestEvent, field by field (kept in step by a test). */
const FIELD_CHECKS: Record<keyof RequestEvent, Check> = {
  time: int(0, Number.MAX_SAFE_INTEGER),
  requestId: str(1, 64),
  nodeId: str(1, 64),
  apiId: nullable(str(1, 64)),
  routeId: nullable(str(1, 64)),
  serviceId: nullable(str(1, 64)),
  instance: nullable(str(1, 300)),
  consumerId: nullable(str(1, 64)),
  keyId: nullable(str(1, 64)),
  method: str(1, 16),
  status: int(100, 599),
  totalMs: ms,
  upstreamMs: nullable(ms),
  bytesIn: int(0, Number.MAX_SAFE_INTEGER),
  bytesOut: int(0, Number.MAX_SAFE_INTEGER),
  clientIp: nullable(str(0, 64)),
  errorCode: nullable(errorCode),
  tool: optional(nullable(str(1, 128))),
};
const FIELDS = Object.entries(FIELD_CHECKS) as [keyof RequestEvent, Check][];

/**
 * The first problem with `candidate` as a RequestEvent ("status: must be …"), or null when it is
 * one. Same rules as ZRequestEvent, without its per-object cost: this runs for every event on
 * the gateway and again in the worker, where a schema library costs ~100x more.
 */
export function requestEventProblem(candidate: Record<string, unknown>): string | null {
  return problemIn(candidate, FIELDS);
}

const FIELDS_WITHOUT_NODE = FIELDS.filter(([field]) => field !== 'nodeId');

/**
 * `requestEventProblem` for an event as a gateway records it, before the node id (checked once
 * per batch by the caller) is attached: no copy of the event is made to check it.
 */
export function recordedEventProblem(candidate: Record<string, unknown>): string | null {
  return problemIn(candidate, FIELDS_WITHOUT_NODE);
}

function problemIn(
  candidate: Record<string, unknown>,
  fields: readonly [keyof RequestEvent, Check][],
): string | null {
  for (const [field, check] of fields) {
    const problem = check(candidate[field]);
    if (problem !== null) return `${field}: ${problem}`;
  }
  return null;
}
