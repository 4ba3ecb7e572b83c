import type { SnapshotRegistry } from '@portico/config';
import { adapterContext } from './adapter-base';
import { BuiltinAdapter } from './builtin-adapter';
import { ConsulAdapter } from './consul-adapter';
import { DnsAdapter } from './dns-adapter';
import { EtcdAdapter } from './etcd-adapter';
import { EurekaAdapter } from './eureka-adapter';
import { KubernetesAdapter } from './kubernetes-adapter';
import type { DiscoveryAdapter, DiscoveryDeps } from './types';
import { ZookeeperAdapter } from './zookeeper-adapter';

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
    case 'etcd':
      return new EtcdAdapter(ctx);
    case 'zookeeper':
      return new ZookeeperAdapter(ctx);
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
