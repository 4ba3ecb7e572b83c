import {
  REGISTRY_BASE_PATH,
  registryServicePath,
  ZLiveInstance,
  ZRegistryServiceList,
  ZRegistryServiceView,
} from '@portico/config';
import {
  type AdapterContext,
  DiscoveryError,
  instanceFrom,
  WatchingAdapter,
  waitSecondsOption,
} from './adapter-base';
import { sleep } from './backoff';
import { requestJson } from './http-json';
import type { InstanceTracker } from './instance-tracker';
import type { ServiceInstance, ServiceRef } from './types';

/**
 * What the adapter reads of the registry's ZRegistryServiceView (the wire contract in
 * @portico/config): the index, the instances' addresses and metadata, and the epoch and
 * emptiedBy markers, which control planes from before they existed leave out.
 */
const ZBuiltinView = ZRegistryServiceView.pick({ index: true }).extend({
  epoch: ZRegistryServiceView.shape.epoch.optional(),
  emptiedBy: ZRegistryServiceView.shape.emptiedBy.optional(),
  instances: ZLiveInstance.pick({ id: true, address: true, port: true })
    .extend({ metadata: ZLiveInstance.shape.metadata.optional() })
    .array(),
});
type BuiltinView = ReturnType<typeof ZBuiltinView.parse>;

/**
 * Portico's own registry (`/registry/v1` on the control plane). Follows a service with the
 * registry's blocking query: `?index=N&wait=…` parks until the service's change index moves.
 * Options: `waitSeconds` (default 30). Secrets: `token` (a registry token with the read scope).
 */
export class BuiltinAdapter extends WatchingAdapter {
  private readonly waitSeconds: number;

  constructor(ctx: AdapterContext) {
    super(ctx);
    this.waitSeconds = waitSecondsOption(ctx, 300);
  }

  private url(path: string): URL {
    const base = this.ctx.registry.address.trim().replace(/\/+$/, '');
    if (base === '')
      throw new DiscoveryError(
        'this built-in registry has no address and this process knows no control plane to read it from',
      );
    let url: URL;
    try {
      url = new URL(`${base}${path}`);
    } catch {
      throw new DiscoveryError(
        `the built-in registry address ${JSON.stringify(base)} is not a URL (expected http://host:port)`,
      );
    }
    return url;
  }

  private headers(): Record<string, string> {
    const token = this.ctx.secrets.token;
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  private async fetchView(
    service: string,
    signal: AbortSignal,
    index: number | null,
  ): Promise<BuiltinView> {
    const url = this.url(registryServicePath(service));
    if (index !== null) {
      url.searchParams.set('index', String(index));
      url.searchParams.set('wait', `${this.waitSeconds}s`);
    }
    const timeoutMs = index === null ? 10_000 : (this.waitSeconds + 10) * 1000;
    const res = await requestJson(this.ctx.fetch, url, {
      headers: this.headers(),
      signal,
      timeoutMs,
    });
    const view = ZBuiltinView.safeParse(res.body);
    if (!view.success)
      throw new DiscoveryError('the built-in registry answered an unexpected document');
    return view.data;
  }

  protected async runWatch(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
  ): Promise<void> {
    let cursor: number | null = null;
    let epoch: string | undefined;
    await this.reconnectLoop(ref, tracker, signal, async (progress) => {
      const started = Date.now();
      const previous = cursor;
      const view = await this.fetchView(ref.service, signal, cursor);
      progress();
      // An empty set is a deliberate removal only when the registry says its last instance was
      // explicitly deregistered, in the same store (same epoch) after what we saw (index moved
      // on). Instances that merely expired may have lost their heartbeats to a control-plane
      // outage, and a new epoch means Redis was wiped: both keep the last known set.
      const authoritative =
        cursor !== null &&
        view.epoch === epoch &&
        view.index > cursor &&
        view.emptiedBy === 'deregistered';
      tracker.accept(view.instances.map(toInstance), { authoritative });
      cursor = view.index;
      epoch = view.epoch;
      // A registry that answers a blocking query at once with nothing new would make this loop
      // spin; pace it (a well-behaved one parks the query instead).
      if (previous !== null && view.index === previous && Date.now() - started < 50)
        await sleep(50, signal);
    });
  }

  async list(ref: ServiceRef): Promise<ServiceInstance[]> {
    const view = await this.fetchView(ref.service, AbortSignal.timeout(15_000), null);
    return view.instances.map(toInstance);
  }

  async listServices(): Promise<string[]> {
    const res = await requestJson(this.ctx.fetch, this.url(`${REGISTRY_BASE_PATH}/services`), {
      headers: this.headers(),
      signal: AbortSignal.timeout(15_000),
      timeoutMs: 10_000,
    });
    const list = ZRegistryServiceList.safeParse(res.body);
    if (!list.success)
      throw new DiscoveryError('the built-in registry answered an unexpected document');
    return list.data.services;
  }
}

function toInstance(raw: BuiltinView['instances'][number]): ServiceInstance {
  return instanceFrom({ id: raw.id, address: raw.address, port: raw.port, metadata: raw.metadata });
}
