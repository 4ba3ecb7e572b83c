import type { ServerResponse } from 'node:http';
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
  extraHeaders?: Record<string, string> | null,
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
