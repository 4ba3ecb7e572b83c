import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * gRPC status → HTTP status, the standard table (google.rpc.Code, as grpc-gateway and Envoy's
 * transcoder use it). Indexed by the numeric code; anything outside it is a 500.
 */
const HTTP_STATUS_BY_GRPC_CODE: readonly number[] = [
  200, // OK
  499, // CANCELLED
  500, // UNKNOWN
  400, // INVALID_ARGUMENT
  504, // DEADLINE_EXCEEDED
  404, // NOT_FOUND
  409, // ALREADY_EXISTS
  403, // PERMISSION_DENIED
  429, // RESOURCE_EXHAUSTED
  400, // FAILED_PRECONDITION
  409, // ABORTED
  400, // OUT_OF_RANGE
  501, // UNIMPLEMENTED
  500, // INTERNAL
  503, // UNAVAILABLE
  500, // DATA_LOSS
  401, // UNAUTHENTICATED
];

export function httpStatusForGrpc(code: number): number {
  return HTTP_STATUS_BY_GRPC_CODE[code] ?? 500;
}

/** The code's canonical name (`NOT_FOUND`), for problem bodies a person reads. */
export function grpcCodeName(code: number): string {
  return GrpcStatus[code] ?? `CODE_${code}`;
}
