import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  GATEWAY_ERRORS,
  type GatewayErrorCode,
  PROBLEM_CONTENT_TYPE,
  problemBody,
} from '../errors/gateway-errors';

/** Answers with the gateway's problem+json for `code`, or cuts the response if it has begun. */
export function sendProblem(
  res: ServerResponse,
  code: GatewayErrorCode,
  detail: string,
  requestId: string,
  extraHeaders?: Readonly<Record<string, string>> | null,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = problemBody(code, detail, requestId);
  const headers: Record<string, string | number> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'cache-control': 'no-store',
  };
  if (extraHeaders) Object.assign(headers, extraHeaders);
  res.writeHead(GATEWAY_ERRORS[code].status, headers);
  res.end(body);
}

/** The request a refusal answers. */
export interface RefusedRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
}

/**
 * Refuses a request with problem+json. A body left unread cannot be skipped safely on a
 * kept-alive connection, so the connection is closed unless the request arrived whole.
 */
export function sendRefusal(
  refused: RefusedRequest,
  code: GatewayErrorCode,
  detail: string,
  extraHeaders?: Readonly<Record<string, string>> | null,
): void {
  const headers = refused.req.complete ? extraHeaders : { ...extraHeaders, connection: 'close' };
  sendProblem(refused.res, code, detail, refused.requestId, headers);
}
