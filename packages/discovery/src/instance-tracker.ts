import { forbiddenTargetReason } from '@portico/config';
import type { InstanceUpdate, ServiceInstance } from './types';

/**
 * Holds the last known instance set of one watch and decides what consumers see.
 *
 * The stale-while-registry-down rule: connection loss, errors, and an EMPTY answer after a
 * non-empty one keep the last known set and mark the watch `degraded`, because a gateway that
 * swaps in an empty pool turns a registry blip into a full outage. The one exception is an
 * authoritative removal, which the adapter vouches for with `authoritative: true`:
 * - builtin: the registry reports the service `emptiedBy: 'deregistered'` (an explicit DELETE
 *   of its last instance, not TTL expiry, which a control-plane outage can cause) in the same
 *   store epoch, with a change index past the last one seen;
 * - Consul: `X-Consul-Index` moved forward and the service has no registered instance at all,
 *   passing or not (every check critical is an agent or network blip, not a deregistration);
 * - etcd: DELETE events on the watch, or a re-list at a revision not older than the last seen;
 * - ZooKeeper: a successful child listing of an existing parent znode on a live session.
 * Kubernetes, Eureka and DNS cannot tell "scaled to zero" from a blip (rollouts mark endpoints
 * not ready, Eureka self-preservation, resolvers answering NXDOMAIN mid-reload), so an empty
 * answer from them is never taken; health checks are what remove dead instances there.
 */
export class InstanceTracker {
  private instances: ServiceInstance[] = [];
  private status: InstanceUpdate['status'] = 'degraded';
  private error: string | null = null;
  private lastSyncAt: number | null = null;
  private emitted = false;

  constructor(
    private readonly onUpdate: (update: InstanceUpdate) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get hasInstances(): boolean {
    return this.instances.length > 0;
  }

  /** A successful answer from the registry. Returns false when it was refused as a blip. */
  accept(found: ServiceInstance[], options: { authoritative: boolean }): boolean {
    // Registries are written by many hands: never hand the gateway a metadata address or a
    // port it cannot connect to, whatever the registry says.
    const instances = found.filter(
      (i) =>
        i.port >= 1 &&
        i.port <= 65535 &&
        i.address.length > 0 &&
        forbiddenTargetReason(i.address) === null,
    );
    if (instances.length === 0 && this.instances.length > 0 && !options.authoritative) {
      this.fail('registry answered with no instances; keeping the last known set');
      return false;
    }
    const next = [...instances].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const changed = !sameInstances(this.instances, next);
    const statusChanged = this.status !== 'ok' || this.error !== null;
    this.instances = next;
    this.status = 'ok';
    this.error = null;
    this.lastSyncAt = this.now();
    if (changed || statusChanged || !this.emitted) this.emit();
    return true;
  }

  /** The registry failed or is unreachable: keep everything, report degraded. */
  fail(error: string): void {
    const changed = this.status !== 'degraded' || this.error !== error || !this.emitted;
    this.status = 'degraded';
    this.error = error;
    if (changed) this.emit();
  }

  snapshot(): InstanceUpdate {
    return {
      instances: [...this.instances],
      status: this.status,
      error: this.error,
      lastSyncAt: this.lastSyncAt,
    };
  }

  private emit(): void {
    this.emitted = true;
    this.onUpdate(this.snapshot());
  }
}

function sameInstances(a: ServiceInstance[], b: ServiceInstance[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((instance, i) => JSON.stringify(instance) === JSON.stringify(b[i]));
}
