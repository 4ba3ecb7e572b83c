import type { GatewayErrorCode } from '../errors/gateway-errors';

/** Methods retried by default: repeating them has the same effect as sending them once. */
export const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Failures where the upstream most likely never processed the request: worth another instance. */
export const RETRYABLE_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** The gateway error an upstream transport failure is reported as. */
export function upstreamErrorCode(error: unknown): GatewayErrorCode {
  const code = (error as { code?: string }).code;
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return 'GW_UPSTREAM_TIMEOUT';
  }
  return 'GW_UPSTREAM_UNAVAILABLE';
}
