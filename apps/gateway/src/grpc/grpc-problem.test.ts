import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcProblem } from './grpc-problem';

function serviceError(code: GrpcStatus, details: string): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

const CONTEXT = { methodPath: '/shop.Orders/Get', totalMs: 3000, requestId: 'req_1' };

describe('grpcProblem', () => {
  it('answers a gRPC status as problem+json carrying the gRPC code and message', () => {
    const problem = grpcProblem(serviceError(GrpcStatus.NOT_FOUND, 'no order 7'), CONTEXT);
    expect(problem.status).toBe(404);
    expect(problem.code).toBe('GW_UPSTREAM_GRPC_STATUS');
    expect(JSON.parse(problem.body)).toEqual({
      type: 'https://portico.dev/errors/GW_UPSTREAM_GRPC_STATUS',
      title: 'Upstream gRPC error',
      status: 404,
      code: 'GW_UPSTREAM_GRPC_STATUS',
      detail: '/shop.Orders/Get answered NOT_FOUND: no order 7',
      grpcCode: GrpcStatus.NOT_FOUND,
      grpcStatus: 'NOT_FOUND',
      grpcMessage: 'no order 7',
      requestId: 'req_1',
    });
  });

  it('answers a missed deadline as the gateway timeout, naming the total timeout', () => {
    const problem = grpcProblem(serviceError(GrpcStatus.DEADLINE_EXCEEDED, 'late'), CONTEXT);
    expect(problem.code).toBe('GW_UPSTREAM_TIMEOUT');
    expect(problem.status).toBe(504);
    expect(JSON.parse(problem.body).detail).toBe('/shop.Orders/Get did not finish within 3000 ms');
  });

  it('answers a failure without a status as UNKNOWN', () => {
    const problem = grpcProblem(null, CONTEXT);
    expect(JSON.parse(problem.body)).toMatchObject({ grpcStatus: 'UNKNOWN', grpcMessage: '' });
  });
});
