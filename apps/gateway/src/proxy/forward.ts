import { runAggregate } from '../aggregate/aggregate-runner';
import { passThroughGrpc } from '../grpc/grpc-passthrough';
import { transcodeToGrpc } from '../grpc/grpc-transcoder';
import { isGrpcCall } from '../grpc/grpc-wire';
import { validateRequest } from '../validation/request-validation';
import { lookupCache } from './cache-stage';
import type { AdmittedExchange } from './exchange';
import { pickAndSend } from './upstream-request';

/**
 * After admission, which stage answers: OpenAPI request validation first (it comes back here
 * through `Exchange.validationPassed`), then a composite route or a gRPC service, which answer
 * themselves and report back to the exchange, then the response cache, then the upstream.
 */
export function forward(ex: AdmittedExchange): void {
  if (ex.res.destroyed) return;
  const entry = ex.entry;
  const grpc = entry.service.grpc;
  // A gRPC client's own call goes through as it is: no JSON, so no OpenAPI validation either.
  if (grpc !== null && isGrpcCall(ex.req)) {
    passThroughGrpc(ex, grpc);
    return;
  }
  if (entry.validation !== null && !ex.validated) {
    ex.validated = true;
    validateRequest(
      ex,
      entry.validation,
      {
        apiId: entry.api.id,
        routeId: ex.routeId,
        relativePath: ex.relativePath,
        query: ex.query,
        maxBodyBytes: entry.maxBodyBytes,
      },
      ex.deps.metrics,
    );
    return;
  }
  if (ex.routeId !== null && entry.aggregates.size > 0) {
    const aggregate = entry.aggregates.get(ex.routeId);
    if (aggregate !== undefined) {
      runAggregate(ex, entry, aggregate, ex.deps);
      return;
    }
  }
  if (grpc !== null) {
    transcodeToGrpc(ex, entry, grpc);
    return;
  }
  if (lookupCache(ex)) return;
  pickAndSend(ex);
}
