import type { SnapshotRegistry } from '@portico/config';
import { adapterContext } from './adapter-base';
import { BuiltinAdapter } from './builtin-adapter';
import { CLIENT_LIBRARIES } from './client-libraries';
import { ConsulAdapter } from './consul-adapter';
import { DeferredAdapter } from './deferred-adapter';
import { DnsAdapter } from './dns-adapter';
import { EurekaAdapter } from './eureka-adapter';
import { KubernetesAdapter } from './kubernetes-adapter';
import type { DiscoveryAdapter, DiscoveryDeps } from './types';

/**
 * One adapter per registry connection. `secrets` are that registry's credentials
 * (`secrets.registries[registry.id]` of the sync payload); they are only ever sent to the
 * registry and are blanked out of every error the adapter reports.
 */
export function createDiscoveryAdapter(
  registry: SnapshotRegistry,
  secrets: Record<string, string>,
  deps: DiscoveryDeps = {},
): DiscoveryAdapter {
  const resolved =
    registry.type === 'builtin' ? withOwnControlPlane(registry, secrets, deps) : null;
  const ctx = resolved
    ? adapterContext(resolved.registry, resolved.secrets, deps)
    : adapterContext(registry, secrets, deps);
  switch (registry.type) {
    case 'builtin':
      return new BuiltinAdapter(ctx);
    case 'consul':
      return new ConsulAdapter(ctx);
    // Their client libraries load now, on config apply, only for a registry of their kind.
    case 'etcd':
      return new DeferredAdapter(
        Promise.all([CLIENT_LIBRARIES.etcd(), import('./etcd-adapter')]).then(
          ([library, { EtcdAdapter }]) => new EtcdAdapter(ctx, library),
        ),
      );
    case 'zookeeper':
      return new DeferredAdapter(
        Promise.all([CLIENT_LIBRARIES.zookeeper(), import('./zookeeper-adapter')]).then(
          ([library, { ZookeeperAdapter }]) => new ZookeeperAdapter(ctx, library),
        ),
      );
    case 'eureka':
      return new EurekaAdapter(ctx);
    case 'kubernetes':
      return new KubernetesAdapter(ctx);
    case 'dns':
      return new DnsAdapter(ctx);
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * A built-in registry without an address is the caller's own control plane: its address comes
 * from `deps.builtin`, and so does its token when the registry has none. The token goes only to
 * that control plane's origin, so a registry pointing elsewhere never receives it.
 */
function withOwnControlPlane(
  registry: SnapshotRegistry,
  secrets: Record<string, string>,
  deps: DiscoveryDeps,
): { registry: SnapshotRegistry; secrets: Record<string, string> } | null {
  const own = deps.builtin;
  if (own === undefined) return null;
  const address = registry.address.trim();
  const sameControlPlane =
    address === '' ||
    (originOf(address) !== null && originOf(address) === originOf(own.controlUrl));
  if (!sameControlPlane) return null;
  return {
    registry: address === '' ? { ...registry, address: own.controlUrl } : registry,
    secrets: secrets.token ? secrets : { ...secrets, token: own.token },
  };
}
