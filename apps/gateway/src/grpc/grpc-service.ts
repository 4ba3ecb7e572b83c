import type { ClientHttp2Session } from 'node:http2';
import type { Client } from '@grpc/grpc-js';
import type { SnapshotService } from '@portico/config';
import { compileGrpcSchema, HttpRouteTable } from '@portico/grpc-schema';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import { type GrpcChannels, grpcChannelKey, grpcTlsKey } from './grpc-channels';

/** A gRPC service compiled at apply: its HTTP routes, and the channel for each instance. */
export interface CompiledGrpcService {
  readonly routes: HttpRouteTable;
  clientFor(instance: UpstreamInstance): Client;
  /** The pooled HTTP/2 session a call passed straight through goes on. */
  sessionFor(instance: UpstreamInstance): ClientHttp2Session;
  /** Every `/package.Service/Method` the schema declares, for calls sent without a base path. */
  readonly methodPaths: ReadonlySet<string>;
}

/**
 * Compiles a `protocol: grpc` service's stored proto files or descriptor set. Throws with the compiler's message
 * naming the service, so the whole version is refused rather than half-applied.
 */
export function compileGrpcService(
  service: SnapshotService,
  channels: GrpcChannels,
): CompiledGrpcService {
  const set = compileGrpcSchema(service.grpc ?? {});
  if (!set.ok)
    throw new Error(
      set.field === 'protoFiles'
        ? `service ${service.name}: proto files do not compile: ${set.message}`
        : `service ${service.name}: descriptor set does not compile: ${set.message}`,
    );
  let routes: HttpRouteTable;
  try {
    routes = new HttpRouteTable(set.methods);
  } catch (error) {
    throw new Error(`service ${service.name}: ${(error as Error).message}`);
  }
  const tlsKey = grpcTlsKey(service);
  return {
    routes,
    clientFor: (instance) => channels.get(instance, service),
    sessionFor: (instance) =>
      channels.session(
        `${service.scheme}|${instance.host}|${instance.port}${tlsKey}`,
        instance,
        service,
      ),
    methodPaths: new Set(set.methods.map((method) => method.path)),
  };
}

/** The channel keys a service's current instances use, so unused channels can be closed. */
export function grpcChannelKeys(
  service: SnapshotService,
  instances: Iterable<{ address: string; port: number }>,
  into: Set<string>,
): void {
  for (const instance of instances)
    into.add(grpcChannelKey({ host: instance.address, port: instance.port }, service));
}
