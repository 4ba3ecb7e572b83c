import { type GatewayErrorCode, PROBLEM_CONTENT_TYPE, problemBody } from '../errors/gateway-errors';
import { sendGrpcRefusal } from '../grpc/grpc-refusal';
import { isGrpcCall } from '../grpc/grpc-wire';
import type { Violation } from '../validation/openapi-validator';
import type { Exchange } from './exchange';
import { sendRefusal } from './send-problem';
import { clearTotalTimer } from './upstream-deadline';

/** Answers the exchange with the gateway's problem+json (or cuts a response already under way). */
export function failExchange(
  ex: Exchange,
  code: GatewayErrorCode,
  detail: string,
  extra?: Readonly<Record<string, string>> | null,
): void {
  ex.errorCode = code;
  clearTotalTimer(ex);
  // gRPC clients read a status in trailers, never a problem+json body.
  if (isGrpcCall(ex.req)) sendGrpcRefusal(ex, code, detail, extra);
  else sendRefusal(ex, code, detail, extra);
}

/** OpenAPI request validation refused the request: 400 listing every violation. */
export function refuseInvalidRequest(ex: Exchange, violations: readonly Violation[]): void {
  ex.errorCode = 'GW_REQUEST_INVALID';
  clearTotalTimer(ex);
  const res = ex.res;
  if (res.headersSent || res.destroyed) return;
  const body = problemBody(
    'GW_REQUEST_INVALID',
    `the request does not match this API's OpenAPI description (${violations.length} violation${violations.length === 1 ? '' : 's'})`,
    ex.requestId,
    { violations },
  );
  res.writeHead(400, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-request-id': ex.requestId,
    'cache-control': 'no-store',
    // A body left unread cannot be skipped safely on a kept-alive connection.
    ...(ex.req.complete ? {} : { connection: 'close' }),
  });
  res.end(body);
}
