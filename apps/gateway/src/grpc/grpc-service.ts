import type { ClientHttp2Session } from 'node:http2';
import type { Client } from '@grpc/grpc-js';
import type { SnapshotService } from '@portico/config';
import { compileGrpcSchema, HttpRouteTable } from '@portico/grpc-schema';
import type { UpstreamInstance, UpstreamSelector } from '../upstream/upstream-selector';
import { type GrpcChannels, grpcChannelKey, grpcTlsKey } from './grpc-channels';

/** A gRPC service compiled at apply: its HTTP routes, and the channel for each instance. */
export interface CompiledGrpcService {
  readonly routes: HttpRouteTable;
  /** Why the schema cannot serve transcoding yet (server reflection still loading), or null. */
  readonly pendingReason: string | null;
  /** Whether the schema comes from server reflection (its methods can change after apply). */
  readonly reflected: boolean;
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
  selector: UpstreamSelector,
): CompiledGrpcService {
  const tlsKey = grpcTlsKey(service);
  const clientFor = (instance: UpstreamInstance) => channels.get(instance, service);
  const sessionFor = (instance: UpstreamInstance) =>
    channels.session(
      `${service.scheme}|${instance.host}|${instance.port}${tlsKey}`,
      instance,
      service,
    );
  if (service.grpc?.reflection === true) {
    const schema = channels.reflected(service, {
      instances: () => selector.health(),
      clientFor,
    });
    return {
      get routes() {
        return schema.routes;
      },
      get methodPaths() {
        return schema.methodPaths;
      },
      get pendingReason() {
        return schema.pendingReason;
      },
      reflected: true,
      clientFor,
      sessionFor,
    };
  }
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
  return {
    routes,
    pendingReason: null,
    reflected: false,
    clientFor,
    sessionFor,
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
