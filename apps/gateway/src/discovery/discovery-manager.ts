import type { PublishedConfig, SnapshotRegistry, SnapshotService } from '@portico/config';
import {
  createDiscoveryAdapter,
  type DiscoveryAdapter,
  type DiscoveryDeps,
  type InstanceUpdate,
  type ServiceRef,
} from '@portico/discovery';
import type { DiscoveryView, UpstreamSelector } from '../upstream/upstream-selector';

export interface DiscoveryManagerOptions {
  createAdapter?: typeof createDiscoveryAdapter;
  deps?: DiscoveryDeps;
  log?: { warn(message: string): void };
}

interface AdapterEntry {
  /** Registry definition and credentials fingerprint: a change means a new adapter. */
  fingerprint: string;
  adapter: DiscoveryAdapter;
}

interface WatchEntry {
  registryId: string;
  ref: ServiceRef;
  stop: () => void;
  last: InstanceUpdate | null;
  selectors: Set<UpstreamSelector>;
}

/**
 * Keeps one registry watch per (registry, service reference) for the applied config and feeds
 * each instance set into the selectors of the services that reference it. Adapters are shared
 * per registry. On every new config the watches are reconciled: unchanged ones keep running
 * (a publish never restarts them), new ones start, unreferenced ones stop. A registry that
 * degrades keeps its last instance set in rotation.
 */
export class DiscoveryManager {
  private readonly adapters = new Map<string, AdapterEntry>();
  private readonly watches = new Map<string, WatchEntry>();
  private readonly createAdapter: typeof createDiscoveryAdapter;

  constructor(private readonly options: DiscoveryManagerOptions = {}) {
    this.createAdapter = options.createAdapter ?? createDiscoveryAdapter;
  }

  /** Called once a config has compiled, right before it goes live. */
  reconcile(
    published: PublishedConfig,
    services: Iterable<{ service: SnapshotService; selector: UpstreamSelector }>,
  ): void {
    const registries = new Map(published.snapshot.registries.map((r) => [r.id, r]));
    const wantedWatches = new Map<string, Set<UpstreamSelector>>();
    const refs = new Map<string, { registryId: string; ref: ServiceRef }>();
    for (const { service, selector } of services) {
      const discovery = service.discovery;
      if (discovery === null) continue;
      const registry = registries.get(discovery.registryId);
      if (registry === undefined) continue; // the snapshot schema already refuses this
      const adapterFingerprint = fingerprintOf(
        registry,
        published.secrets.registries[registry.id] ?? {},
      );
      const ref: ServiceRef = { service: discovery.service };
      if (discovery.namespace !== undefined) ref.namespace = discovery.namespace;
      if (discovery.tags !== undefined) ref.tags = discovery.tags;
      if (discovery.datacenter !== undefined) ref.datacenter = discovery.datacenter;
      if (discovery.portName !== undefined) ref.portName = discovery.portName;
      const key = `${registry.id}|${adapterFingerprint}|${JSON.stringify(ref)}`;
      refs.set(key, { registryId: registry.id, ref });
      let set = wantedWatches.get(key);
      if (set === undefined) {
        set = new Set();
        wantedWatches.set(key, set);
      }
      set.add(selector);
    }

    // Adapters: keep those whose registry and credentials are unchanged, replace the others.
    const wantedAdapters = new Set<string>();
    for (const { registryId } of refs.values()) wantedAdapters.add(registryId);
    for (const registryId of wantedAdapters) {
      const registry = registries.get(registryId) as SnapshotRegistry;
      const secrets = published.secrets.registries[registryId] ?? {};
      const fingerprint = fingerprintOf(registry, secrets);
      const existing = this.adapters.get(registryId);
      if (existing?.fingerprint === fingerprint) continue;
      if (existing) this.closeAdapter(registryId, existing);
      this.adapters.set(registryId, {
        fingerprint,
        adapter: this.createAdapter(registry, secrets, this.options.deps ?? {}),
      });
    }
    for (const [registryId, entry] of this.adapters)
      if (!wantedAdapters.has(registryId)) this.closeAdapter(registryId, entry);

    // Watches: stop unreferenced ones, start new ones, hand the last known set to new selectors.
    for (const [key, watch] of this.watches) {
      if (!wantedWatches.has(key)) {
        watch.stop();
        this.watches.delete(key);
      }
    }
    for (const [key, selectors] of wantedWatches) {
      let watch = this.watches.get(key);
      if (watch === undefined) {
        const { registryId, ref } = refs.get(key) as { registryId: string; ref: ServiceRef };
        const adapter = (this.adapters.get(registryId) as AdapterEntry).adapter;
        const entry: WatchEntry = { registryId, ref, stop: () => {}, last: null, selectors };
        this.watches.set(key, entry);
        entry.stop = adapter.watch(ref, (update) => this.onUpdate(entry, update));
        watch = entry;
      }
      watch.selectors = selectors;
      for (const selector of selectors) {
        selector.setDiscoveryView(viewOf(watch));
        if (watch.last !== null) selector.setInstances(announced(watch.last));
      }
    }
  }

  private onUpdate(watch: WatchEntry, update: InstanceUpdate): void {
    // Never swap in an empty pool because a registry blinked: a degraded empty answer keeps
    // the last known set (the adapters do this too; this is the gateway's own guarantee).
    const keepLast =
      update.status === 'degraded' && update.instances.length === 0 && watch.last !== null;
    watch.last =
      keepLast && watch.last !== null ? { ...update, instances: watch.last.instances } : update;
    if (update.status === 'degraded')
      this.options.log?.warn(
        `discovery of ${watch.ref.service} in registry ${watch.registryId} degraded (${update.error ?? 'no detail'}); keeping ${watch.last.instances.length} known instances`,
      );
    const view = viewOf(watch);
    const instances = announced(watch.last);
    for (const selector of watch.selectors) {
      selector.setDiscoveryView(view);
      selector.setInstances(instances);
    }
  }

  private closeAdapter(registryId: string, entry: AdapterEntry): void {
    for (const [key, watch] of this.watches) {
      if (watch.registryId !== registryId) continue;
      watch.stop();
      this.watches.delete(key);
    }
    this.adapters.delete(registryId);
    entry.adapter.close().catch(() => undefined);
  }

  /** Number of running watches (tests check that a publish does not restart them). */
  get watchCount(): number {
    return this.watches.size;
  }

  async close(): Promise<void> {
    for (const watch of this.watches.values()) watch.stop();
    this.watches.clear();
    const adapters = [...this.adapters.values()];
    this.adapters.clear();
    await Promise.allSettled(adapters.map((a) => a.adapter.close()));
  }
}

function fingerprintOf(registry: SnapshotRegistry, secrets: Record<string, string>): string {
  // The credentials fingerprint changes with the stored credentials; the secrets themselves
  // are compared only in memory, never logged.
  return JSON.stringify([registry.type, registry.address, registry.options, secrets]);
}

function viewOf(watch: WatchEntry): DiscoveryView {
  return {
    registryId: watch.registryId,
    service: watch.ref.service,
    status: watch.last === null ? 'pending' : watch.last.status,
    error: watch.last?.error ?? null,
    lastSyncAt: watch.last?.lastSyncAt ?? null,
  };
}

function announced(update: InstanceUpdate) {
  return update.instances.map((i) => ({
    id: i.id,
    address: i.address,
    port: i.port,
    weight: i.weight,
  }));
}
