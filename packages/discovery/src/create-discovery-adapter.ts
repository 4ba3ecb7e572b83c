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
  const ctx = adapterContext(registry, secrets, deps);
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
