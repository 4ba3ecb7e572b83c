import type { RegistryConnection } from '@portico/db';
import { PorticoError } from '../shared/domain-errors';
import { registryProbeTarget } from './registry-check';
import type { RegistryInstance, RegistryProbe } from './registry-probe';

export interface RegistryInstancesResult {
  service: string;
  /** Sorted by address then port so a refetch does not reorder the table. */
  instances: RegistryInstance[];
  /** Why the registry could not be read; instances is empty then. */
  error: string | null;
  checkedAt: Date;
}

/**
 * The service's instances as the registry reports them now. A registry that fails is a result
 * (the console shows it and keeps polling), not an error; a control plane without an
 * instance-listing probe is a PRECONDITION_FAILED.
 */
export async function listRegistryInstances(
  registry: RegistryConnection,
  probe: RegistryProbe | undefined,
  secrets: Record<string, string>,
  service: string,
  now: () => Date,
): Promise<RegistryInstancesResult> {
  const listInstances = probe?.listInstances;
  if (!listInstances) {
    throw new PorticoError(
      'CTL_PRECONDITION_FAILED',
      'this control plane has no discovery adapters, so it cannot list instances',
    );
  }
  try {
    const instances = await listInstances(registryProbeTarget(registry), secrets, service);
    return {
      service,
      instances: [...instances].sort(
        (a, b) => a.address.localeCompare(b.address) || a.port - b.port || a.id.localeCompare(b.id),
      ),
      error: null,
      checkedAt: now(),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { service, instances: [], error: message.slice(0, 1000), checkedAt: now() };
  }
}
