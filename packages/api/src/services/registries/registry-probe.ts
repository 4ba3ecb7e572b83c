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

/** One instance of a service as the registry reports it (packages/discovery's ServiceInstance). */
export interface RegistryInstance {
  id: string;
  address: string;
  port: number;
  weight: number;
  metadata: Record<string, string>;
  zone: string | null;
}

/**
 * Asks the registry, in its own protocol, which services it knows. Built by the control plane
 * from packages/discovery and passed in, so this package does not depend on the adapters.
 * Throws when the registry cannot be reached or refuses.
 */
export interface RegistryProbe {
  (registry: RegistryProbeTarget, secrets: Record<string, string>): Promise<{ services: string[] }>;
  /**
   * The current instances of one service (the console's live instance view). Optional so a
   * probe that only lists services still fits; `registries.instances` then says it cannot.
   */
  listInstances?: (
    registry: RegistryProbeTarget,
    secrets: Record<string, string>,
    service: string,
  ) => Promise<RegistryInstance[]>;
}
