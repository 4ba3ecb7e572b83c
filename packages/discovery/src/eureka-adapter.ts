import { type AdapterContext, DiscoveryError, instanceFrom, WatchingAdapter } from './adapter-base';
import { sleep } from './backoff';
import { requestJson } from './http-json';
import type { InstanceTracker } from './instance-tracker';
import type { ServiceInstance, ServiceRef } from './types';

interface EurekaPort {
  $?: number | string;
  '@enabled'?: string | boolean;
}

export interface EurekaInstance {
  instanceId?: string;
  hostName?: string;
  app?: string;
  ipAddr?: string;
  status?: string;
  port?: EurekaPort;
  securePort?: EurekaPort;
  metadata?: Record<string, unknown>;
  dataCenterInfo?: { metadata?: Record<string, unknown> };
  actionType?: 'ADDED' | 'MODIFIED' | 'DELETED';
}

interface EurekaApplications {
  applications?: {
    apps__hashcode?: string;
    application?: EurekaApplication | EurekaApplication[];
  };
}

interface EurekaApplication {
  name?: string;
  instance?: EurekaInstance | EurekaInstance[];
}

/** The local copy of the whole registry: app name (upper case) -> instance key -> instance. */
type LocalRegistry = Map<string, Map<string, EurekaInstance>>;

/**
 * Eureka: the apps REST API the way Eureka's own client uses it: one full fetch of
 * `GET <address>/apps`, then `GET <address>/apps/delta` every `pollSeconds` (default 30),
 * applying ADDED/MODIFIED/DELETED and checking the result against `apps__hashcode`; a mismatch
 * means a delta was missed, so it fetches everything again. Only `UP` instances count.
 * `address` is the Eureka base URL, e.g. `http://eureka:8761/eureka`.
 * Secrets: `username`, `password` (HTTP basic).
 */
export class EurekaAdapter extends WatchingAdapter {
  private readonly pollMs: number;

  constructor(ctx: AdapterContext) {
    super(ctx);
    const poll = Number(ctx.registry.options.pollSeconds ?? 30);
    this.pollMs = (Number.isFinite(poll) && poll > 0 ? poll : 30) * 1000;
  }

  private headers(): Record<string, string> {
    const { username, password } = this.ctx.secrets;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (username)
      headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    return headers;
  }

  private async fetchApps(
    path: '/apps' | '/apps/delta',
    signal: AbortSignal,
  ): Promise<{ apps: EurekaApplication[]; hashcode: string | null }> {
    const url = new URL(`${this.ctx.registry.address.replace(/\/+$/, '')}${path}`);
    const res = await requestJson<EurekaApplications>(this.ctx.fetch, url, {
      headers: this.headers(),
      signal,
      timeoutMs: 15_000,
    });
    const root = res.body?.applications;
    if (!root) throw new DiscoveryError(`Eureka answered an unexpected document for ${path}`);
    return { apps: asArray(root.application), hashcode: root.apps__hashcode ?? null };
  }

  protected async runWatch(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
  ): Promise<void> {
    let local: LocalRegistry | null = null;
    const appName = ref.service.toUpperCase();
    // Eureka's self-preservation and lease quirks make an empty answer untrustworthy.
    const publish = (registry: LocalRegistry) =>
      tracker.accept(upInstances(registry.get(appName)), { authoritative: false });
    await this.reconnectLoop(ref, tracker, signal, async (progress) => {
      if (local === null) {
        const full = await this.fetchApps('/apps', signal);
        progress();
        local = new Map();
        for (const app of full.apps) applyInstances(local, app, false);
        publish(local);
        return;
      }
      await sleep(this.pollMs, signal);
      if (signal.aborted) return;
      const delta = await this.fetchApps('/apps/delta', signal);
      progress();
      for (const app of delta.apps) applyInstances(local, app, true);
      if (delta.hashcode !== null && delta.hashcode !== hashcodeOf(local)) {
        // A delta was missed (or arrived out of its window): reconcile with a full fetch.
        local = null;
        return;
      }
      publish(local);
    });
  }

  async list(ref: ServiceRef): Promise<ServiceInstance[]> {
    const { apps } = await this.fetchApps('/apps', AbortSignal.timeout(20_000));
    const local: LocalRegistry = new Map();
    for (const app of apps) applyInstances(local, app, false);
    return upInstances(local.get(ref.service.toUpperCase()));
  }

  async listServices(): Promise<string[]> {
    const { apps } = await this.fetchApps('/apps', AbortSignal.timeout(20_000));
    return apps
      .map((a) => (a.name ?? '').toLowerCase())
      .filter(Boolean)
      .sort();
  }
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function keyOf(instance: EurekaInstance): string {
  return instance.instanceId ?? `${instance.hostName ?? ''}:${instance.port?.$ ?? ''}`;
}

function applyInstances(local: LocalRegistry, app: EurekaApplication, isDelta: boolean): void {
  const name = (app.name ?? '').toUpperCase();
  let instances = local.get(name);
  if (!instances) {
    instances = new Map();
    local.set(name, instances);
  }
  for (const instance of asArray(app.instance)) {
    if (isDelta && instance.actionType === 'DELETED') instances.delete(keyOf(instance));
    else instances.set(keyOf(instance), instance);
  }
  if (instances.size === 0) local.delete(name);
}

/** Eureka's reconcile hash: `<STATUS>_<count>_` for each status, sorted by status name. */
export function hashcodeOf(local: LocalRegistry): string {
  const counts = new Map<string, number>();
  for (const instances of local.values()) {
    for (const instance of instances.values()) {
      const status = instance.status ?? 'UNKNOWN';
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([status, count]) => `${status}_${count}_`)
    .join('');
}

function enabled(port: EurekaPort | undefined): boolean {
  return port?.['@enabled'] === true || port?.['@enabled'] === 'true';
}

function upInstances(instances: Map<string, EurekaInstance> | undefined): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  for (const instance of instances?.values() ?? []) {
    if (instance.status !== 'UP') continue;
    const secure = !enabled(instance.port) && enabled(instance.securePort);
    const port = Number((secure ? instance.securePort : instance.port)?.$);
    const address = instance.ipAddr ?? instance.hostName;
    if (!address || !Number.isInteger(port)) continue;
    const dcZone = instance.dataCenterInfo?.metadata?.['availability-zone'];
    out.push(
      instanceFrom({
        id: keyOf(instance),
        address,
        port,
        metadata: instance.metadata,
        defaults: { scheme: secure ? 'https' : undefined },
        fallbackZone: typeof dcZone === 'string' ? dcZone : null,
      }),
    );
  }
  return out;
}
