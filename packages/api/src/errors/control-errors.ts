import type { ErrorCatalogue } from '@portico/config';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * The control plane's closed list of error codes, and the one table mapping each to its HTTP
 * status and the tRPC code its procedures answer with. Services throw `PorticoError` with one of
 * these codes; the tRPC boundary and the control plane's own HTTP routes translate through here.
 * docs/errors.md lists every code (a test keeps the two equal).
 */
/** One row: the HTTP status, the tRPC code that carries it, and the title (HTTP's reason phrase). */
function row<const Trpc extends TRPC_ERROR_CODE_KEY>(status: number, trpc: Trpc, title: string) {
  return { status, trpc, title };
}

export const CONTROL_ERRORS = {
  CTL_INVALID_INPUT: row(400, 'BAD_REQUEST', 'Bad Request'),
  CTL_UNAUTHORIZED: row(401, 'UNAUTHORIZED', 'Unauthorized'),
  CTL_FORBIDDEN: row(403, 'FORBIDDEN', 'Forbidden'),
  CTL_NOT_FOUND: row(404, 'NOT_FOUND', 'Not Found'),
  CTL_METHOD_NOT_ALLOWED: row(405, 'METHOD_NOT_SUPPORTED', 'Method Not Allowed'),
  CTL_CONFLICT: row(409, 'CONFLICT', 'Conflict'),
  CTL_PRECONDITION_FAILED: row(412, 'PRECONDITION_FAILED', 'Precondition Failed'),
  CTL_PAYLOAD_TOO_LARGE: row(413, 'PAYLOAD_TOO_LARGE', 'Payload Too Large'),
  CTL_UNSUPPORTED_MEDIA_TYPE: row(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type'),
  CTL_RATE_LIMITED: row(429, 'TOO_MANY_REQUESTS', 'Too Many Requests'),
  CTL_INTERNAL: row(500, 'INTERNAL_SERVER_ERROR', 'Internal Server Error'),
  CTL_CONTROL_PLANE_UNREACHABLE: row(502, 'BAD_GATEWAY', 'Bad Gateway'),
  CTL_UNAVAILABLE: row(503, 'SERVICE_UNAVAILABLE', 'Service Unavailable'),
} as const satisfies ErrorCatalogue;

export type ControlErrorCode = keyof typeof CONTROL_ERRORS;

const CODES = Object.keys(CONTROL_ERRORS) as ControlErrorCode[];

/** The catalogue code a tRPC error code stands for (CTL_INTERNAL for codes the table lacks). */
export function controlCodeForTrpc(trpc: TRPC_ERROR_CODE_KEY): ControlErrorCode {
  return CODES.find((code) => CONTROL_ERRORS[code].trpc === trpc) ?? 'CTL_INTERNAL';
}

/**
 * The catalogue code for an HTTP status raised outside a procedure (Fastify's body parsing, an
 * unknown route): the code with that status, else CTL_INVALID_INPUT for a 4xx, CTL_INTERNAL else.
 */
export function controlCodeForStatus(status: number): ControlErrorCode {
  const exact = CODES.find((code) => CONTROL_ERRORS[code].status === status);
  if (exact) return exact;
  return status >= 400 && status < 500 ? 'CTL_INVALID_INPUT' : 'CTL_INTERNAL';
}
