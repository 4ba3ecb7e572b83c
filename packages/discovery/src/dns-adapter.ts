import { Resolver } from 'node:dns/promises';
import { type AdapterContext, DiscoveryError, WatchingAdapter } from './adapter-base';
import { sleep } from './backoff';
import type { InstanceTracker } from './instance-tracker';
import type { ServiceInstance, ServiceRef } from './types';

interface Resolved {
  instances: ServiceInstance[];
  /** Seconds until the answer should be fetched again. */
  ttlSeconds: number;
}

/**
 * DNS: an SRV name (`_http._tcp.pay.example`, or any name with option `mode: 'srv'`) yields
 * its lowest-priority targets with their SRV weights, each resolved to A/AAAA; any other name
 * yields its A/AAAA addresses on option `port`. Answers are fetched again when their TTL runs
 * out, clamped to [`minTtlSeconds` (1), `maxTtlSeconds` (60)]; Node's resolver does not report
 * SRV TTLs, so SRV sets are also re-read every `srvTtlSeconds` (30). Option `servers` (or the
 * registry address) lists resolvers such as `127.0.0.1:5353`; empty means the system's.
 * DNS cannot say "deliberately empty", so an empty or failed answer always keeps the last set.
 */
export class DnsAdapter extends WatchingAdapter {
  private readonly resolver: Resolver;
  private readonly minTtl: number;
  private readonly maxTtl: number;
  private readonly srvTtl: number;

  constructor(ctx: AdapterContext) {
    super(ctx);
    const options = ctx.registry.options;
    this.resolver = new Resolver({ timeout: 2000, tries: 2 });
    const servers = toList(options.servers ?? ctx.registry.address);
    if (servers.length > 0) this.resolver.setServers(servers);
    this.minTtl = positive(options.minTtlSeconds, 1);
    this.maxTtl = Math.max(this.minTtl, positive(options.maxTtlSeconds, 60));
    this.srvTtl = positive(options.srvTtlSeconds, 30);
  }

  private isSrv(name: string): boolean {
    return this.ctx.registry.options.mode === 'srv' || name.startsWith('_');
  }

  private async addresses(host: string): Promise<Array<{ address: string; ttl: number }>> {
    const [v4, v6] = await Promise.allSettled([
      this.resolver.resolve4(host, { ttl: true }),
      this.resolver.resolve6(host, { ttl: true }),
    ]);
    const found = [
      ...(v4.status === 'fulfilled' ? v4.value : []),
      ...(v6.status === 'fulfilled' ? v6.value : []),
    ];
    if (found.length === 0) {
      const reason =
        v4.status === 'rejected'
          ? (v4.reason as Error)
          : v6.status === 'rejected'
            ? (v6.reason as Error)
            : null;
      // No data for a name that exists is an empty answer; anything else is a failure.
      if (reason && !isNoData(reason))
        throw new DiscoveryError(`resolving ${host} failed: ${codeOf(reason)}`);
    }
    return found;
  }

  private async resolve(ref: ServiceRef): Promise<Resolved> {
    const name = ref.service;
    if (!this.isSrv(name)) {
      const port = Number(this.ctx.registry.options.port ?? 80);
      const found = await this.addresses(name);
      return {
        instances: found.map((a) => ({
          id: `${a.address}:${port}`,
          address: a.address,
          port,
          weight: 1,
          metadata: { host: name },
          zone: null,
        })),
        ttlSeconds: Math.min(...found.map((a) => a.ttl), this.maxTtl),
      };
    }
    let records: Awaited<ReturnType<Resolver['resolveSrv']>>;
    try {
      records = await this.resolver.resolveSrv(name);
    } catch (error) {
      if (isNoData(error as Error)) return { instances: [], ttlSeconds: this.srvTtl };
      throw new DiscoveryError(`resolving SRV ${name} failed: ${codeOf(error as Error)}`);
    }
    // RFC 2782: clients use the lowest priority whose targets are reachable; weights share
    // traffic within it. A group whose targets no longer resolve yields to the next one.
    const priorities = [...new Set(records.map((r) => r.priority))].sort((a, b) => a - b);
    let ttl = this.srvTtl;
    let firstError: unknown = null;
    for (const priority of priorities) {
      const group = records.filter((r) => r.priority === priority);
      const instances: ServiceInstance[] = [];
      for (const record of group) {
        let found: Array<{ address: string; ttl: number }>;
        try {
          found = await this.addresses(record.name);
        } catch (error) {
          // One target that does not resolve must not hide the others.
          firstError ??= error;
          continue;
        }
        for (const a of found) {
          ttl = Math.min(ttl, a.ttl);
          instances.push({
            id: `${record.name}:${record.port}/${a.address}`,
            address: a.address,
            port: record.port,
            // Weight 0 means "only if nothing else"; keep it selectable but rare.
            weight: record.weight > 0 ? record.weight : 1,
            metadata: {
              target: record.name,
              priority: String(record.priority),
              srvWeight: String(record.weight),
            },
            zone: null,
          });
        }
      }
      if (instances.length > 0) return { instances, ttlSeconds: ttl };
    }
    if (firstError) throw firstError;
    return { instances: [], ttlSeconds: ttl };
  }

  /** A failed lookup is retried no later than the next scheduled re-resolution would be. */
  protected override maxRetryDelayMs(): number {
    return this.minTtl * 1000;
  }

  protected async runWatch(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
  ): Promise<void> {
    await this.reconnectLoop(ref, tracker, signal, async (progress) => {
      const { instances, ttlSeconds } = await this.resolve(ref);
      progress();
      tracker.accept(instances, { authoritative: false });
      const waitSeconds = Math.min(
        this.maxTtl,
        Math.max(this.minTtl, Number.isFinite(ttlSeconds) ? ttlSeconds : this.minTtl),
      );
      await sleep(waitSeconds * 1000, signal);
    });
  }

  async list(ref: ServiceRef): Promise<ServiceInstance[]> {
    return (await this.resolve(ref)).instances;
  }

  /** DNS has no catalogue of names. */
  async listServices(): Promise<string[]> {
    return [];
  }

  protected override async release(): Promise<void> {
    this.resolver.cancel();
  }
}

function toList(value: unknown): string[] {
  if (Array.isArray(value))
    return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return [];
}

function positive(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function codeOf(error: Error): string {
  return (error as Error & { code?: string }).code ?? error.message;
}

function isNoData(error: Error): boolean {
  const code = codeOf(error);
  return code === 'ENODATA';
}
