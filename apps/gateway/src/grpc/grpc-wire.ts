import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * A gRPC call as opposed to a request to transcode: HTTP/2 with `application/grpc` (or
 * `application/grpc+proto`, `;charset=…`). gRPC-Web (`application/grpc-web…`) is not one: it is
 * framed differently and travels over HTTP/1.1 too.
 */
export function isGrpcCall(req: Pick<IncomingMessage, 'httpVersionMajor' | 'headers'>): boolean {
  if (req.httpVersionMajor !== 2) return false;
  const type = req.headers['content-type'];
  if (typeof type !== 'string' || !type.startsWith('application/grpc')) return false;
  const next = type.charCodeAt(16);
  // End of string, '+' (a codec suffix) or ';' (parameters).
  return Number.isNaN(next) || next === 0x2b || next === 0x3b;
}

/**
 * The gRPC code a gateway refusal travels as, by the refusal's HTTP status: what a gRPC client
 * acts on (retry on UNAVAILABLE, re-authenticate on UNAUTHENTICATED, back off on
 * RESOURCE_EXHAUSTED) rather than the HTTP-to-gRPC table meant for misbehaving proxies.
 */
export function grpcCodeForHttpStatus(status: number): GrpcStatus {
  switch (status) {
    case 400:
      return GrpcStatus.INVALID_ARGUMENT;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
    case 501:
      return GrpcStatus.UNIMPLEMENTED;
    case 413:
    case 429:
    case 431:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 502:
    case 503:
      return GrpcStatus.UNAVAILABLE;
    case 504:
      return GrpcStatus.DEADLINE_EXCEEDED;
    default:
      return status >= 500 ? GrpcStatus.INTERNAL : GrpcStatus.UNKNOWN;
  }
}

/**
 * `grpc-message` as the gRPC wire spec writes it: UTF-8, percent-encoding every byte outside
 * printable ASCII and `%` itself.
 */
export function encodeGrpcMessage(message: string): string {
  let plain = true;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return message;
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out +=
      byte < 0x20 || byte > 0x7e || byte === 0x25
        ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(byte);
  }
  return out;
}

const TIMEOUT_UNIT_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** The client's `grpc-timeout` in milliseconds (at most 8 digits and a unit), or null. */
export function grpcTimeoutMs(headers: IncomingHttpHeaders): number | null {
  const value = headers['grpc-timeout'];
  if (typeof value !== 'string' || value.length < 2 || value.length > 9) return null;
  const unit = TIMEOUT_UNIT_MS[value.charAt(value.length - 1)];
  const amount = Number(value.slice(0, -1));
  if (unit === undefined || !Number.isInteger(amount) || amount < 0) return null;
  return amount * unit;
}

/** A deadline as `grpc-timeout` (milliseconds, rounded up so it is never shortened to 0). */
export function formatGrpcTimeout(ms: number): string {
  return `${Math.max(1, Math.ceil(ms))}m`;
}
