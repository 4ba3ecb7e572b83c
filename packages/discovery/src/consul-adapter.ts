import {
  type AdapterContext,
  DiscoveryError,
  instanceFrom,
  stringRecord,
  WatchingAdapter,
  waitSecondsOption,
} from './adapter-base';
import { sleep } from './backoff';
import { requestJson } from './http-json';
import type { InstanceTracker } from './instance-tracker';
import type { ServiceInstance, ServiceRef } from './types';

interface ConsulHealthEntry {
  Node?: {
    Node?: string;
    Address?: string;
    Datacenter?: string;
    Meta?: Record<string, string> | null;
  };
  Service?: {
    ID?: string;
    Service?: string;
    Tags?: string[] | null;
    Address?: string;
    Port?: number;
    Meta?: Record<string, string> | null;
    Weights?: { Passing?: number; Warning?: number } | null;
  };
}

/**
 * Consul: `GET /v1/health/service/:service?passing=true` as a blocking query on
 * `X-Consul-Index`, with tag and datacenter filters. Options: `waitSeconds` (default 30),
 * `datacenter` (default for refs without one). Secrets: `token` (sent as X-Consul-Token).
 */
export class ConsulAdapter extends WatchingAdapter {
  private readonly waitSeconds: number;

  constructor(ctx: AdapterContext) {
    super(ctx);
    this.waitSeconds = waitSecondsOption(ctx, 600);
  }

  private headers(): Record<string, string> {
    const token = this.ctx.secrets.token;
    return token ? { 'x-consul-token': token } : {};
  }

  private url(path: string, ref?: ServiceRef): URL {
    const url = new URL(`${this.ctx.registry.address.replace(/\/+$/, '')}${path}`);
    const dc =
      ref?.datacenter ??
      (typeof this.ctx.registry.options.datacenter === 'string'
        ? this.ctx.registry.options.datacenter
        : undefined);
    if (dc) url.searchParams.set('dc', dc);
    return url;
  }

  private async health(
    ref: ServiceRef,
    signal: AbortSignal,
    index: number | null,
    passingOnly = true,
  ) {
    const url = this.url(`/v1/health/service/${encodeURIComponent(ref.service)}`, ref);
    if (passingOnly) url.searchParams.set('passing', 'true');
    for (const tag of ref.tags ?? []) url.searchParams.append('tag', tag);
    if (index !== null) {
      url.searchParams.set('index', String(index));
      url.searchParams.set('wait', `${this.waitSeconds}s`);
    }
    // Consul adds up to wait/16 of jitter to a blocking query; leave room for it.
    const timeoutMs =
      index === null ? 10_000 : Math.ceil(this.waitSeconds * 1000 * (17 / 16)) + 10_000;
    const res = await requestJson<ConsulHealthEntry[]>(this.ctx.fetch, url, {
      headers: this.headers(),
      signal,
      timeoutMs,
    });
    if (!Array.isArray(res.body))
      throw new DiscoveryError('Consul answered an unexpected health document');
    const rawIndex = Number(res.headers.get('x-consul-index'));
    return { entries: res.body, index: Number.isFinite(rawIndex) ? rawIndex : 0 };
  }

  protected async runWatch(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
  ): Promise<void> {
    let cursor: number | null = null;
    await this.reconnectLoop(ref, tracker, signal, async (progress) => {
      const started = Date.now();
      const { entries, index } = await this.health(ref, signal, cursor);
      progress();
      // Consul's rules for blocking clients: an index that went backwards means the state was
      // rebuilt (reset to 0 and take nothing as a deliberate removal); an index of 0 or less is
      // treated as 1 so the next query still blocks.
      const wentBack = cursor !== null && index < cursor;
      let authoritative = cursor !== null && !wentBack && index > cursor;
      if (authoritative && entries.length === 0 && tracker.hasInstances) {
        // Nothing passing is not the same as nothing registered: every check going critical at
        // once is what an agent or network partition looks like. Only a service with no
        // registered instance at all was really deregistered.
        const all = await this.health(ref, signal, null, false);
        authoritative = all.entries.length === 0;
      }
      tracker.accept(entries.map(toInstance), { authoritative });
      cursor = wentBack ? 0 : Math.max(index, 1);
      // A query that returns at once without a new index would spin; pace it.
      if (!authoritative && Date.now() - started < 50) await sleep(50, signal);
    });
  }

  async list(ref: ServiceRef): Promise<ServiceInstance[]> {
    const { entries } = await this.health(ref, AbortSignal.timeout(15_000), null);
    return entries.map(toInstance);
  }

  async listServices(): Promise<string[]> {
    const res = await requestJson<Record<string, unknown>>(
      this.ctx.fetch,
      this.url('/v1/catalog/services'),
      {
        headers: this.headers(),
        signal: AbortSignal.timeout(15_000),
        timeoutMs: 10_000,
      },
    );
    if (!res.body || typeof res.body !== 'object')
      throw new DiscoveryError('Consul answered an unexpected catalog document');
    return Object.keys(res.body).sort();
  }
}

function toInstance(entry: ConsulHealthEntry): ServiceInstance {
  const service = entry.Service ?? {};
  const node = entry.Node ?? {};
  return instanceFrom({
    id: `${node.Node ?? ''}/${service.ID ?? ''}`,
    // An empty service address means "the node's address" in Consul's catalog.
    address: service.Address || node.Address || '',
    port: service.Port ?? 0,
    metadata: service.Meta,
    defaults: {
      tags: service.Tags && service.Tags.length > 0 ? service.Tags.join(',') : undefined,
      node: node.Node || undefined,
    },
    weight: service.Weights?.Passing ?? 1,
    fallbackZone: stringRecord(node.Meta).zone,
  });
}
