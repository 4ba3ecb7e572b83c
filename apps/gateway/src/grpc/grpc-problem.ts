import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import { grpcCodeName, httpStatusForGrpc } from './grpc-status-map';

/** A gRPC failure as the client sees it: the HTTP status, the gateway code and the problem body. */
export interface GrpcProblem {
  status: number;
  code: GatewayErrorCode;
  body: string;
}

/** What the problem names: the method called, the deadline it had and the request. */
export interface GrpcProblemContext {
  readonly methodPath: string;
  readonly totalMs: number;
  readonly requestId: string;
}

/** The gRPC status as RFC 9457 problem+json, carrying the gRPC code and message. */
export function grpcProblem(error: ServiceError | null, context: GrpcProblemContext): GrpcProblem {
  const grpcCode = error?.code ?? GrpcStatus.UNKNOWN;
  const status = httpStatusForGrpc(grpcCode);
  const deadline = grpcCode === GrpcStatus.DEADLINE_EXCEEDED;
  const code: GatewayErrorCode = deadline ? 'GW_UPSTREAM_TIMEOUT' : 'GW_UPSTREAM_GRPC_STATUS';
  const method = context.methodPath;
  const body = JSON.stringify({
    type: `https://portico.dev/errors/${code}`,
    title: deadline ? 'Upstream timed out' : 'Upstream gRPC error',
    status,
    code,
    detail: deadline
      ? `${method} did not finish within ${context.totalMs} ms`
      : `${method} answered ${grpcCodeName(grpcCode)}: ${error?.details ?? 'no details'}`,
    grpcCode,
    grpcStatus: grpcCodeName(grpcCode),
    grpcMessage: error?.details ?? '',
    requestId: context.requestId,
  });
  return { status, code, body };
}
