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
): RegistryProbe {
  const probe: RegistryProbe = async (registry, secrets) => {
    const services = await withAdapter(registry, secrets, timeoutMs, (a) => a.listServices());
    return { services: [...services].sort() };
  };
  probe.listInstances = (registry, secrets, service) =>
    withAdapter(registry, secrets, timeoutMs, (a) => a.list({ service }));
  return probe;
}
