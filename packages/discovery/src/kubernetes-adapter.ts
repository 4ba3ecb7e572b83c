import { type AdapterContext, DiscoveryError, WatchingAdapter } from './adapter-base';
import { sleep } from './backoff';
import type { InstanceTracker } from './instance-tracker';
import {
  type KubernetesAccess,
  kubeGet,
  readBody,
  resolveKubernetesAccess,
} from './kubernetes-access';
import type { ServiceInstance, ServiceRef } from './types';

interface EndpointSlice {
  metadata?: { name?: string; resourceVersion?: string };
  addressType?: string;
  endpoints?: Array<{
    addresses?: string[];
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
    hostname?: string;
    nodeName?: string;
    zone?: string;
    targetRef?: { kind?: string; name?: string };
  }>;
  ports?: Array<{ name?: string; port?: number; protocol?: string }> | null;
}

interface WatchEvent {
  type?: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object?: EndpointSlice & { code?: number; reason?: string; message?: string };
}

const WATCH_TIMEOUT_SECONDS = 290;

/**
 * Kubernetes: EndpointSlices of a Service (`kubernetes.io/service-name=<service>`) through the
 * API server: a list at a resourceVersion, then a watch from it with bookmarks, re-listing when
 * the server answers 410 Gone. Only ready endpoints count; the port is picked by `portName`
 * (else the slice's only or first port). Options: `namespace`, `kubeconfigPath`, `context`.
 * Secrets: `token`. Without a kubeconfig it uses the in-cluster service account.
 */
export class KubernetesAdapter extends WatchingAdapter {
  private access: Promise<KubernetesAccess> | null = null;

  constructor(ctx: AdapterContext) {
    super(ctx);
  }

  private resolveAccess(): Promise<KubernetesAccess> {
    this.access ??= resolveKubernetesAccess(
      this.ctx.registry.address,
      this.ctx.registry.options,
      this.ctx.secrets.token,
    ).catch((error: unknown) => {
      this.access = null;
      throw error;
    });
    return this.access;
  }

  private slicesUrl(access: KubernetesAccess, ref: ServiceRef): URL {
    const namespace = ref.namespace ?? access.defaultNamespace;
    const url = new URL(
      `${access.server.replace(/\/+$/, '')}/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/endpointslices`,
    );
    url.searchParams.set('labelSelector', `kubernetes.io/service-name=${ref.service}`);
    return url;
  }

  private async listSlices(access: KubernetesAccess, ref: ServiceRef, signal: AbortSignal) {
    const res = await kubeGet(access, this.slicesUrl(access, ref), signal, 15_000);
    const text = await readBody(res);
    if (res.statusCode !== 200)
      throw new DiscoveryError(
        `Kubernetes API answered HTTP ${res.statusCode} listing EndpointSlices`,
      );
    const list = JSON.parse(text) as {
      metadata?: { resourceVersion?: string };
      items?: EndpointSlice[];
    };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  protected async runWatch(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
  ): Promise<void> {
    let resourceVersion: string | null = null;
    const slices = new Map<string, EndpointSlice>();
    // Kubernetes cannot tell "scaled to zero" from a rollout blip; empty sets are never taken.
    const publish = () =>
      tracker.accept(instancesOf([...slices.values()], ref), { authoritative: false });
    await this.reconnectLoop(ref, tracker, signal, async (progress) => {
      const access = await this.resolveAccess();
      if (resourceVersion === null) {
        const list = await this.listSlices(access, ref, signal);
        progress();
        slices.clear();
        for (const item of list.items) slices.set(item.metadata?.name ?? '', item);
        resourceVersion = list.resourceVersion;
        publish();
      }
      const url = this.slicesUrl(access, ref);
      url.searchParams.set('watch', '1');
      url.searchParams.set('resourceVersion', resourceVersion);
      url.searchParams.set('allowWatchBookmarks', 'true');
      url.searchParams.set('timeoutSeconds', String(WATCH_TIMEOUT_SECONDS));
      const res = await kubeGet(access, url, signal, (WATCH_TIMEOUT_SECONDS + 30) * 1000);
      if (res.statusCode === 410) {
        res.resume();
        resourceVersion = null;
        progress();
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        throw new DiscoveryError(
          `Kubernetes API answered HTTP ${res.statusCode} to the EndpointSlice watch`,
        );
      }
      progress();
      publish();
      const watchStarted = Date.now();
      let buffer = '';
      for await (const chunk of res) {
        buffer += (chunk as Buffer).toString('utf8');
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          if (line.length === 0) continue;
          const event = JSON.parse(line) as WatchEvent;
          const object = event.object ?? {};
          if (event.type === 'ERROR') {
            if (object.code === 410) {
              // Our resourceVersion was compacted away: list again from scratch.
              resourceVersion = null;
              res.destroy();
              return;
            }
            throw new DiscoveryError(
              `Kubernetes watch error ${object.code ?? ''} ${object.reason ?? ''}`.trim(),
            );
          }
          resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
          const name = object.metadata?.name ?? '';
          if (event.type === 'ADDED' || event.type === 'MODIFIED') slices.set(name, object);
          else if (event.type === 'DELETED') slices.delete(name);
          else continue; // BOOKMARK: only the resourceVersion moves.
          publish();
        }
      }
      // A watch the server ends at once (instead of at timeoutSeconds) would make this loop spin.
      if (Date.now() - watchStarted < 1000) await sleep(1000, signal);
    });
  }

  async list(ref: ServiceRef): Promise<ServiceInstance[]> {
    const access = await this.resolveAccess();
    const { items } = await this.listSlices(access, ref, AbortSignal.timeout(15_000));
    return instancesOf(items, ref);
  }

  async listServices(): Promise<string[]> {
    const access = await this.resolveAccess();
    const url = new URL(
      `${access.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(access.defaultNamespace)}/services`,
    );
    const res = await kubeGet(access, url, AbortSignal.timeout(15_000), 15_000);
    const text = await readBody(res);
    if (res.statusCode !== 200)
      throw new DiscoveryError(`Kubernetes API answered HTTP ${res.statusCode} listing Services`);
    const list = JSON.parse(text) as { items?: Array<{ metadata?: { name?: string } }> };
    return (list.items ?? [])
      .map((s) => s.metadata?.name ?? '')
      .filter(Boolean)
      .sort();
  }
}

/** Ready endpoints of every slice, one instance per address, on the chosen port. */
export function instancesOf(slices: EndpointSlice[], ref: ServiceRef): ServiceInstance[] {
  const out = new Map<string, ServiceInstance>();
  for (const slice of slices) {
    const ports = slice.ports ?? [];
    const port = ref.portName ? ports.find((p) => p.name === ref.portName) : ports[0];
    if (!port?.port) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // The API defines a missing `ready` as ready; terminating endpoints are never ready.
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses ?? []) {
        const id = `${address}:${port.port}`;
        const metadata: Record<string, string> = { slice: slice.metadata?.name ?? '' };
        if (endpoint.targetRef?.name) metadata.pod = endpoint.targetRef.name;
        if (endpoint.nodeName) metadata.node = endpoint.nodeName;
        if (endpoint.hostname) metadata.hostname = endpoint.hostname;
        out.set(id, {
          id,
          address,
          port: port.port,
          weight: 1,
          metadata,
          zone: endpoint.zone ?? null,
        });
      }
    }
  }
  return [...out.values()];
}
