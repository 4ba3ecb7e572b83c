import { Socket } from 'node:net';
import type { RegistryConnection } from '@portico/db';
import { registryOptions } from './registries';
import type { RegistryProbe, RegistryProbeTarget } from './registry-probe';

export interface RegistryCheckResult {
  ok: boolean;
  status: string;
  error: string | null;
  checkedAt: Date;
  /** Service names the registry reported; null when only reachability was checked. */
  services: string[] | null;
}

const CHECK_TIMEOUT_MS = 3_000;

/** `host:port` for the address forms registries use (`http://h:p/...`, `h:p`, `dns://h:p`). */
export function registryEndpoint(
  type: RegistryConnection['type'],
  address: string,
): { host: string; port: number } | null {
  const defaults: Record<RegistryConnection['type'], number> = {
    builtin: 4000,
    consul: 8500,
    kubernetes: 443,
    eureka: 8761,
    etcd: 2379,
    zookeeper: 2181,
    dns: 53,
  };
  const trimmed = address.trim().split(',')[0] ?? '';
  if (trimmed.length === 0) return null;
  try {
    const url = new URL(trimmed.includes('://') ? trimmed : `tcp://${trimmed}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!host) return null;
    const fallback =
      url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : defaults[type];
    return { host, port: url.port ? Number(url.port) : fallback };
  } catch {
    return null;
  }
}

/** The registry as the probe sees it: its stored row without the sealed credentials. */
export function registryProbeTarget(registry: RegistryConnection): RegistryProbeTarget {
  return {
    id: registry.id,
    name: registry.name,
    type: registry.type,
    address: registry.address,
    options: registryOptions(registry),
    hasCredentials: registry.credentialsSealed !== null,
  };
}

/** Lists the registry's services through the injected probe (its own protocol and credentials). */
export async function probeRegistryServices(
  registry: RegistryConnection,
  probe: RegistryProbe,
  secrets: Record<string, string>,
  now: () => Date,
): Promise<RegistryCheckResult> {
  const target = registryProbeTarget(registry);
  try {
    const { services } = await probe(target, secrets);
    return {
      ok: true,
      status: `ok: ${services.length} service(s) listed`,
      error: null,
      checkedAt: now(),
      services,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      status: 'failed',
      error: message.slice(0, 1000),
      checkedAt: now(),
      services: null,
    };
  }
}

/**
 * Whether the registry's endpoint accepts connections. A reachability check only: listing
 * services through the registry's own protocol belongs to the discovery adapters.
 */
export async function checkRegistryReachable(
  registry: RegistryConnection,
  now: () => Date,
): Promise<RegistryCheckResult> {
  if (registry.type === 'builtin' && registry.address.trim() === '') {
    return {
      ok: true,
      status: 'builtin registry served by this control plane',
      error: null,
      checkedAt: now(),
      services: null,
    };
  }
  const endpoint = registryEndpoint(registry.type, registry.address);
  if (!endpoint)
    return {
      ok: false,
      status: 'unreachable',
      error: `address ${JSON.stringify(registry.address)} has no host`,
      checkedAt: now(),
      services: null,
    };
  const error = await new Promise<string | null>((resolve) => {
    const socket = new Socket();
    const finish = (result: string | null) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(CHECK_TIMEOUT_MS, () =>
      finish(`no answer from ${endpoint.host}:${endpoint.port} within ${CHECK_TIMEOUT_MS} ms`),
    );
    socket.once('error', (e) => finish(`${endpoint.host}:${endpoint.port}: ${e.message}`));
    socket.connect(endpoint.port, endpoint.host, () => finish(null));
  });
  return error === null
    ? {
        ok: true,
        status: `reachable at ${endpoint.host}:${endpoint.port}`,
        error: null,
        checkedAt: now(),
        services: null,
      }
    : { ok: false, status: 'unreachable', error, checkedAt: now(), services: null };
}
