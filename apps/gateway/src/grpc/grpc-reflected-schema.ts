import type { Client } from '@grpc/grpc-js';
import type { SnapshotService } from '@portico/config';
import { compileDescriptorSet, type GrpcMethod, HttpRouteTable } from '@portico/grpc-schema';
import type { InstanceHealth, UpstreamInstance } from '../upstream/upstream-selector';
import { reflectDescriptorSet } from './grpc-reflection';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;
const MAX_REFLECTION_MS = 10_000;

/** Where a reflected schema asks: the service's instances now, and a channel to one. */
export interface ReflectionSource {
  instances(): readonly InstanceHealth[];
  clientFor(instance: UpstreamInstance): Client;
}

/**
 * The schema of a `grpc.reflection: true` service, downloaded from one of its healthy instances
 * over gRPC server reflection after the version went live, and retried with back-off until an
 * instance answers (instances may still be being discovered). Until then the service's REST
 * routes answer 502 naming why, and gRPC clients still pass through on routed paths. Kept across
 * config versions while the service's settings do not change.
 */
export class ReflectedSchema {
  routes = new HttpRouteTable([]);
  methodPaths: ReadonlySet<string> = new Set();
  pendingReason: string | null;
  private attempts = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private started = false;

  constructor(
    private readonly service: SnapshotService,
    private readonly source: ReflectionSource,
    private readonly log: { warn(message: string): void },
  ) {
    this.pendingReason = `the schema of service ${service.name} is not loaded yet (server reflection)`;
  }

  /** Begins the download (once; later calls do nothing). */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.attempt();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    this.attempts++;
    const instance = this.source.instances().find((i) => i.state === 'healthy');
    if (instance === undefined) {
      this.retry('no healthy instance to ask yet');
      return;
    }
    const target: UpstreamInstance = {
      id: instance.id,
      host: instance.address,
      port: instance.port,
      origin: `${this.service.scheme}://${instance.address}:${instance.port}`,
    };
    try {
      const timeoutMs = Math.min(this.service.timeouts.totalMs, MAX_REFLECTION_MS);
      const set = compileDescriptorSet(
        await reflectDescriptorSet(this.source.clientFor(target), timeoutMs),
      );
      if (this.closed) return;
      if (!set.ok) {
        this.retry(
          `instance ${instance.address}:${instance.port} sent a schema that does not compile: ${set.message}`,
        );
        return;
      }
      this.install(set.methods);
    } catch (error) {
      this.retry(`instance ${instance.address}:${instance.port}: ${(error as Error).message}`);
    }
  }

  private install(methods: readonly GrpcMethod[]): void {
    try {
      this.routes = new HttpRouteTable(methods);
    } catch (error) {
      this.retry((error as Error).message);
      return;
    }
    this.methodPaths = new Set(methods.map((m) => m.path));
    this.pendingReason = null;
  }

  private retry(reason: string): void {
    if (this.closed) return;
    this.pendingReason = `the schema of service ${this.service.name} is not loaded yet: ${reason}`;
    // The first failures are the normal start-up race; say so only once it lasts.
    if (this.attempts === 5) this.log.warn(`gRPC server reflection: ${this.pendingReason}`);
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(this.attempts - 1, 6));
    this.timer = setTimeout(() => void this.attempt(), delay);
    this.timer.unref();
  }
}
