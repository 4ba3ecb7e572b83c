import type { IncomingMessage } from 'node:http';
import type { CompiledConfig } from '../config/compiled-config';
import { routeGrpcCall } from '../grpc/grpc-call-routing';
import { isGrpcCall } from '../grpc/grpc-wire';
import type { Exchange, RoutedExchange } from './exchange';
import { isUnderBasePath, normalisePath } from './path-normaliser';
import {
  bodyTooLargeDetail,
  declaresBodyOver,
  headerBytes,
  headersTooLargeDetail,
} from './request-limits';

/**
 * The first stage: splits the target into path and query, normalises the path, routes it and
 * checks the API's size limits on what has arrived (headers, a declared body length). True when
 * the exchange is routed; false when it was answered (400, 404, 413, 431).
 */
export function routeRequest(ex: Exchange, config: CompiledConfig): ex is RoutedExchange {
  const req = ex.req;
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const queryStart = url.indexOf('?');
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  ex.query = queryStart === -1 ? '' : url.slice(queryStart + 1);
  const normalised = normalisePath(rawPath);
  if (!normalised.ok) {
    ex.fail('GW_BAD_REQUEST', normalised.reason);
    return false;
  }
  const method = ex.method;
  ex.path = normalised.path;
  let match = config.router.match(req.headers.host, method, normalised.path);
  // One integer compare for HTTP/1.1; gRPC calls may be addressed without the API's base path.
  const grpcCall = req.httpVersionMajor === 2 && isGrpcCall(req);
  if (grpcCall) match = routeGrpcCall(config.grpcMethods, req.headers.host, normalised.path, match);
  if (match.kind !== 'matched') {
    // The API is known for a path no route takes: its analytics event names it.
    if (match.kind === 'no-route') ex.entry = match.entry;
    ex.fail('GW_ROUTE_NOT_FOUND', `no route matches ${method} ${normalised.path}`);
    return false;
  }
  const entry = match.entry;
  ex.entry = entry;
  ex.apiId = entry.api.id;
  ex.routeId = match.route.id === '' ? null : match.route.id;
  ex.relativePath = match.relativePath;
  if (grpcCall && entry.service.grpc === null) {
    ex.fail(
      'GW_ROUTE_NOT_FOUND',
      `API ${entry.api.name} is served by an HTTP service; gRPC calls pass through only to services with protocol: grpc`,
    );
    return false;
  }
  if (normalised.hadDots && !isUnderBasePath(normalised.beforeDots, entry.api.basePath)) {
    ex.fail('GW_BAD_REQUEST', 'the path uses ".." to leave the API base path');
    return false;
  }
  if (headerBytes(req.rawHeaders) > entry.maxHeaderBytes) {
    ex.fail('GW_HEADERS_TOO_LARGE', headersTooLargeDetail(entry.maxHeaderBytes));
    return false;
  }
  if (declaresBodyOver(req, entry.maxBodyBytes)) {
    ex.fail('GW_PAYLOAD_TOO_LARGE', bodyTooLargeDetail(entry.maxBodyBytes));
    return false;
  }
  return true;
}
