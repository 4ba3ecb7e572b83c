import type { RegistryProbe } from '@portico/api';
import { createDiscoveryAdapter } from '@portico/discovery';

/** A registry that does not answer within this long counts as failing the check. */
export const REGISTRY_PROBE_TIMEOUT_MS = 5_000;

/**
 * `registries.test` through the same discovery adapters gateways use: lists the registry's
 * services with its own protocol and credentials, then releases the adapter.
 */
export function createDiscoveryRegistryProbe(
  timeoutMs: number = REGISTRY_PROBE_TIMEOUT_MS,
): RegistryProbe {
  return async (registry, secrets) => {
    const adapter = createDiscoveryAdapter(registry, secrets);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer from the registry within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      const services = await Promise.race([adapter.listServices(), timeout]);
      return { services: [...services].sort() };
    } finally {
      clearTimeout(timer);
      await adapter.close();
    }
  };
}
