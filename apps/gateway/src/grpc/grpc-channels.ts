import type { ClientHttp2Session } from 'node:http2';
import { type ChannelOptions, Client, credentials } from '@grpc/grpc-js';
import type { SnapshotService } from '@portico/config';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import { ReflectedSchema, type ReflectionSource } from './grpc-reflected-schema';
import { GrpcSessions } from './grpc-sessions';

/**
 * One gRPC channel (an HTTP/2 connection, reconnecting on its own) per instance and TLS setting,
 * shared across config versions like the HTTP connection pools, and closed once no version uses it.
 */
export class GrpcChannels {
  private readonly clients = new Map<string, Client>();
  /** Raw HTTP/2 sessions for calls passed through, kept under the same keys and lifecycle. */
  private readonly sessions = new GrpcSessions();
  /** Schemas loaded by server reflection, by the service's whole settings. */
  private readonly reflections = new Map<string, ReflectedSchema>();

  constructor(private readonly log: { warn(message: string): void } = { warn: () => undefined }) {}

  /** The reflected schema of `service`: the one loaded for the same settings, or a new download. */
  reflected(service: SnapshotService, source: ReflectionSource): ReflectedSchema {
    const key = JSON.stringify(service);
    let schema = this.reflections.get(key);
    if (schema === undefined) {
      // Started once the version goes live (retainReflections): a refused one downloads nothing.
      schema = new ReflectedSchema(service, source, this.log);
      this.reflections.set(key, schema);
    }
    return schema;
  }

  /**
   * Called as a version goes live: starts the downloads its services need, and stops and drops
   * schemas no service of it uses.
   */
  retainReflections(services: readonly SnapshotService[]): void {
    const keys = new Set(services.map((s) => JSON.stringify(s)));
    for (const [key, schema] of this.reflections) {
      if (keys.has(key)) {
        schema.start();
        continue;
      }
      schema.close();
      this.reflections.delete(key);
    }
  }

  /** The pooled HTTP/2 session a passed-through call to `instance` goes on. */
  session(key: string, instance: UpstreamInstance, service: SnapshotService): ClientHttp2Session {
    return this.sessions.get(key, instance, service);
  }

  get(instance: UpstreamInstance, service: SnapshotService): Client {
    const key = grpcChannelKey(instance, service);
    let client = this.clients.get(key);
    if (client === undefined) {
      client = createClient(instance, service);
      this.clients.set(key, client);
    }
    return client;
  }

  /** Closes the channels whose key is not in `keys` (called as a version goes live). */
  retainOnly(keys: ReadonlySet<string>): void {
    this.sessions.retainOnly(keys);
    for (const [key, client] of this.clients) {
      if (keys.has(key)) continue;
      client.close();
      this.clients.delete(key);
    }
  }

  closeAll(): void {
    this.sessions.closeAll();
    for (const schema of this.reflections.values()) schema.close();
    this.reflections.clear();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

export function grpcChannelKey(
  instance: { host: string; port: number },
  service: SnapshotService,
): string {
  return `${service.scheme}|${instance.host}|${instance.port}${grpcTlsKey(service)}`;
}

/** The part of a channel key that depends on the service only, computed once at apply. */
export function grpcTlsKey(service: SnapshotService): string {
  return `|${JSON.stringify(service.tls)}`;
}

function createClient(instance: UpstreamInstance, service: SnapshotService): Client {
  const host = instance.host.includes(':') ? `[${instance.host}]` : instance.host;
  const target = `${host}:${instance.port}`;
  const options: ChannelOptions = {
    // Each instance is its own channel: the gateway balances, not grpc-js.
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  };
  if (service.scheme !== 'https') return new Client(target, credentials.createInsecure(), options);
  const tls = service.tls;
  if (tls.serverName !== undefined) {
    options['grpc.ssl_target_name_override'] = tls.serverName;
    options['grpc.default_authority'] = tls.serverName;
  }
  const ca = tls.caBundlePem === undefined ? null : Buffer.from(tls.caBundlePem);
  const creds = tls.verify
    ? credentials.createSsl(ca)
    : credentials.createSsl(ca, null, null, {
        checkServerIdentity: () => undefined,
        rejectUnauthorized: false,
      });
  return new Client(target, creds, options);
}
