import type { Http2ServerResponse } from 'node:http2';
import { GATEWAY_ERRORS, type GatewayErrorCode } from '../errors/gateway-errors';
import type { Exchange } from '../proxy/exchange';
import { encodeGrpcMessage, grpcCodeForHttpStatus } from './grpc-wire';

/**
 * Answers a gRPC call the gateway refuses (bad key, limit, no route, no instance) the way gRPC
 * clients read errors: HTTP 200 and a trailers-only response carrying `grpc-status` and
 * `grpc-message`, since they never read a problem+json body. The request id and any limit
 * headers ride along as response metadata. Analytics record the refusal's HTTP status.
 */
export function sendGrpcRefusal(
  ex: Exchange,
  code: GatewayErrorCode,
  detail: string,
  extra?: Readonly<Record<string, string>> | null,
): void {
  const status = GATEWAY_ERRORS[code].status;
  ex.answeredStatus = status;
  const stream = (ex.res as unknown as Http2ServerResponse).stream;
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    // A call already answering (a deadline mid-stream): end it with the status in trailers.
    endWithTrailers(
      ex.res as unknown as Http2ServerResponse,
      grpcCodeForHttpStatus(status),
      detail,
    );
    return;
  }
  const headers: Record<string, string> = {
    ':status': '200',
    'content-type': 'application/grpc',
    'grpc-status': String(grpcCodeForHttpStatus(status)),
    'grpc-message': encodeGrpcMessage(detail),
    'x-request-id': ex.requestId,
  };
  if (extra) for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
  stream.respond(headers, { endStream: true });
}

/** Ends a response whose headers went out with `grpc-status` in its trailers. */
export function endWithTrailers(res: Http2ServerResponse, code: number, message: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.addTrailers({ 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) });
  res.end();
}
