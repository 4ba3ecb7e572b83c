import type { ErrorCatalogue } from '@portico/config';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * The control plane's closed list of error codes, and the one table mapping each to its HTTP
 * status and the tRPC code its procedures answer with. Services throw `PorticoError` with one of
 * these codes; the tRPC boundary and the control plane's own HTTP routes translate through here.
 * docs/errors.md lists every code (a test keeps the two equal).
 */
export const CONTROL_ERRORS = {
  CTL_INVALID_INPUT: { status: 400, trpc: 'BAD_REQUEST', title: 'Bad Request' },
  CTL_UNAUTHORIZED: { status: 401, trpc: 'UNAUTHORIZED', title: 'Unauthorized' },
  CTL_FORBIDDEN: { status: 403, trpc: 'FORBIDDEN', title: 'Forbidden' },
  CTL_NOT_FOUND: { status: 404, trpc: 'NOT_FOUND', title: 'Not Found' },
  CTL_METHOD_NOT_ALLOWED: {
    status: 405,
    trpc: 'METHOD_NOT_SUPPORTED',
    title: 'Method Not Allowed',
  },
  CTL_CONFLICT: { status: 409, trpc: 'CONFLICT', title: 'Conflict' },
  CTL_PRECONDITION_FAILED: {
    status: 412,
    trpc: 'PRECONDITION_FAILED',
    title: 'Precondition Failed',
  },
  CTL_PAYLOAD_TOO_LARGE: { status: 413, trpc: 'PAYLOAD_TOO_LARGE', title: 'Payload Too Large' },
  CTL_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    trpc: 'UNSUPPORTED_MEDIA_TYPE',
    title: 'Unsupported Media Type',
  },
  CTL_RATE_LIMITED: { status: 429, trpc: 'TOO_MANY_REQUESTS', title: 'Too Many Requests' },
  CTL_INTERNAL: { status: 500, trpc: 'INTERNAL_SERVER_ERROR', title: 'Internal Server Error' },
  CTL_UNAVAILABLE: { status: 503, trpc: 'SERVICE_UNAVAILABLE', title: 'Service Unavailable' },
} as const satisfies ErrorCatalogue & Record<string, { trpc: TRPC_ERROR_CODE_KEY }>;

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
