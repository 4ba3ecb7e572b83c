import { type ProblemDocument, problemDocument } from '@portico/config';

export { PROBLEM_CONTENT_TYPE } from '@portico/config';

/**
 * The closed list of errors the gateway answers itself, and the one table mapping them to HTTP.
 * Codes are stable strings clients and dashboards can rely on; titles are for people.
 */
export const GATEWAY_ERRORS = {
  GW_BAD_REQUEST: { status: 400, title: 'Bad request' },
  GW_REQUEST_INVALID: { status: 400, title: 'Request does not match the API description' },
  /** The body did not match the Content-Digest the request's signature covers (RFC 9530). */
  GW_DIGEST_MISMATCH: { status: 400, title: 'Request body does not match its digest' },
  GW_KEY_MISSING: { status: 401, title: 'API key missing' },
  GW_KEY_INVALID: { status: 401, title: 'API key invalid' },
  GW_TOKEN_MISSING: { status: 401, title: 'Bearer token missing' },
  GW_TOKEN_INVALID: { status: 401, title: 'Bearer token invalid' },
  GW_SIGNATURE_MISSING: { status: 401, title: 'Request signature missing' },
  GW_SIGNATURE_INVALID: { status: 401, title: 'Request signature invalid' },
  GW_CERT_MISSING: { status: 401, title: 'Client certificate missing' },
  GW_CERT_INVALID: { status: 401, title: 'Client certificate not accepted' },
  GW_BASIC_MISSING: { status: 401, title: 'Basic credentials missing' },
  /** Unknown user, wrong password, revoked or expired: one code, so users cannot be enumerated. */
  GW_BASIC_INVALID: { status: 401, title: 'Basic credentials invalid' },
  /** An API accepting several methods got a credential of none of them (see the challenges). */
  GW_CREDENTIALS_MISSING: { status: 401, title: 'Credentials missing' },
  GW_FORBIDDEN: { status: 403, title: 'Forbidden' },
  GW_INSUFFICIENT_SCOPE: { status: 403, title: 'Token lacks a required scope' },
  GW_ROUTE_NOT_FOUND: { status: 404, title: 'No route matches this request' },
  GW_PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  GW_QUOTA_EXCEEDED: { status: 429, title: 'Quota exceeded' },
  GW_RATE_LIMITED: { status: 429, title: 'Rate limit exceeded' },
  GW_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  GW_INTERNAL: { status: 500, title: 'Internal gateway error' },
  GW_UPSTREAM_UNAVAILABLE: { status: 502, title: 'Upstream unavailable' },
  /** A gRPC upstream answered a non-OK status; the HTTP status follows the gRPC code (see docs/grpc.md). */
  GW_UPSTREAM_GRPC_STATUS: { status: 502, title: 'Upstream gRPC error' },
  /** A composite route's backend call failed (its parts are listed in the problem's `failed`). */
  GW_AGGREGATE_FAILED: { status: 502, title: 'Composite request failed' },
  GW_NO_HEALTHY_UPSTREAM: { status: 503, title: 'No healthy upstream instance' },
  GW_NOT_READY: { status: 503, title: 'Gateway has no configuration yet' },
  GW_LIMITER_UNAVAILABLE: { status: 503, title: 'Rate limiter unavailable' },
  GW_CIRCUIT_OPEN: { status: 503, title: 'Circuit breaker open' },
  /** Too many distinct Basic passwords are waiting for verification (a flood of guesses). */
  GW_AUTH_BUSY: { status: 503, title: 'Authentication busy' },
  /** The authorization server could not answer a token introspection in time. */
  GW_INTROSPECTION_UNAVAILABLE: { status: 503, title: 'Token introspection unavailable' },
  GW_UPSTREAM_TIMEOUT: { status: 504, title: 'Upstream timed out' },
} as const satisfies Record<string, { status: number; title: string }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** The shared problem+json document (see @portico/config) with the gateway's extensions. */
export interface GatewayProblem extends ProblemDocument<GatewayErrorCode> {
  /** GW_REQUEST_INVALID: each way the request departs from the API's OpenAPI document. */
  violations?: readonly { pointer: string; message: string }[];
}

/** RFC 9457 body for a gateway error; `detail` says what to do about it. */
export function problemBody(
  code: GatewayErrorCode,
  detail: string,
  requestId: string,
  extension?: Pick<GatewayProblem, 'violations'>,
): string {
  return JSON.stringify(problemDocument(GATEWAY_ERRORS, code, { detail, requestId }, extension));
}
