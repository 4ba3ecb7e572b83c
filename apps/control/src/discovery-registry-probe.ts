import type { RegistryProbe } from '@portico/api';
import { createDiscoveryAdapter, type DiscoveryAdapter } from '@portico/discovery';

/** A registry that does not answer within this long counts as failing the check. */
export const REGISTRY_PROBE_TIMEOUT_MS = 5_000;

/** Runs `read` against a fresh adapter for the registry, bounded by `timeoutMs`, then releases it. */
async function withAdapter<T>(
  registry: Parameters<RegistryProbe>[0],
  secrets: Record<string, string>,
  timeoutMs: number,
  read: (adapter: DiscoveryAdapter) => Promise<T>,
): Promise<T> {
  const adapter = createDiscoveryAdapter(registry, secrets);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from the registry within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return await Promise.race([read(adapter), timeout]);
  } finally {
    clearTimeout(timer);
    await adapter.close();
  }
}

/**
 * `registries.test` and `registries.instances` through the same discovery adapters gateways
 * use: lists the registry's services (or one service's instances) with its own protocol and
 * credentials, then releases the adapter.
 */
export function createDiscoveryRegistryProbe(
  timeoutMs: number = REGISTRY_PROBE_TIMEOUT_MS,
  ownRegistry: OwnRegistry | null = null,
): RegistryProbe {
  const isOwn = (registry: Parameters<RegistryProbe>[0]) =>
    ownRegistry !== null && registry.type === 'builtin' && registry.address.trim() === '';
  const probe: RegistryProbe = async (registry, secrets) => {
    const services =
      ownRegistry !== null && isOwn(registry)
        ? await ownRegistry.services()
        : await withAdapter(registry, secrets, timeoutMs, (a) => a.listServices());
    return { services: [...services].sort() };
  };
  probe.listInstances = async (registry, secrets, service) => {
    if (ownRegistry !== null && isOwn(registry)) {
      const view = await ownRegistry.read(service);
      return view.instances.map((i) => ({
        id: i.id,
        address: i.address,
        port: i.port,
        weight: Number(i.metadata.weight ?? 1) || 1,
        metadata: i.metadata,
        zone: i.metadata.zone ?? null,
      }));
    }
    return withAdapter(registry, secrets, timeoutMs, (a) => a.list({ service }));
  };
  return probe;
}

/**
 * This control plane's own built-in registry (its store in Redis). A `builtin` registry with no
 * address is read from it directly: the registry is served by this very process.
 */
export interface OwnRegistry {
  services(): Promise<string[]>;
  read(service: string): Promise<{
    instances: Array<{
      id: string;
      address: string;
      port: number;
      metadata: Record<string, string>;
    }>;
  }>;
}
