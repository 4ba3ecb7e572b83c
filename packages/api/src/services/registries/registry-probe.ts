import type { RegistryType } from '@portico/config';

/** The registry as a discovery adapter needs it (the snapshot's shape, without secrets). */
export interface RegistryProbeTarget {
  id: string;
  name: string;
  type: RegistryType;
  address: string;
  options: Record<string, unknown>;
  hasCredentials: boolean;
}

/**
 * Asks the registry, in its own protocol, which services it knows. Built by the control plane
 * from packages/discovery and passed in, so this package does not depend on the adapters.
 * Throws when the registry cannot be reached or refuses.
 */
export type RegistryProbe = (
  registry: RegistryProbeTarget,
  secrets: Record<string, string>,
) => Promise<{ services: string[] }>;
