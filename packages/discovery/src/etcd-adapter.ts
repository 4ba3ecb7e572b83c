import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import { type AdapterContext, DiscoveryError, instanceFrom, WatchingAdapter } from './adapter-base';
import type { EtcdLibrary } from './client-libraries';
import type { InstanceTracker } from './instance-tracker';
import type { ServiceInstance, ServiceRef } from './types';

/**
 * etcd v3: instances are JSON records under `<prefix><service>/<id>` (default prefix
 * `/services/`), e.g. `{"address":"10.0.0.5","port":8080,"weight":10,"metadata":{},"zone":"a"}`.
 * A watch lists the prefix at a revision, then follows a v3 watch from the next revision; on any
 * stream trouble it re-lists. `address` may list several endpoints separated by commas.
 * Options: `prefix`. Secrets: `username`, `password`. Built with its client library already
 * loaded (see client-libraries.ts).
 */
export class EtcdAdapter extends WatchingAdapter {
  private client: Etcd3 | null = null;
  private readonly basePrefix: string;

  constructor(
    ctx: AdapterContext,
    private readonly library: EtcdLibrary,
  ) {
    super(ctx);
    const prefix =
      typeof ctx.registry.options.prefix === 'string' ? ctx.registry.options.prefix : '/services/';
    this.basePrefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
  }

  private etcd(): Etcd3 {
    if (this.client) return this.client;
    const { username, password } = this.ctx.secrets;
    const { ExponentialBackoff, noop } = this.library.cockatiel;
    this.client = new this.library.etcd3.Etcd3({
      hosts: this.ctx.registry.address.split(',').map((h) => h.trim()),
      auth: username && password ? { username, password } : undefined,
      dialTimeout: 3000,
      // Reconnects are this adapter's job (with its own back-off and degraded reporting);
      // the client's retries would only hide an outage behind long waits.
      faultHandling: {
        host: () => noop,
        global: noop,
        watchBackoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 5000 }).next(),
      },
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + 5000 }),
    });
    return this.client;
  }

  private servicePrefix(ref: ServiceRef): string {
    return `${this.basePrefix}${ref.service}/`;
  }

  protected async runWatch(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
  ): Promise<void> {
    const prefix = this.servicePrefix(ref);
    let lastRevision = 0;
    await this.reconnectLoop(ref, tracker, signal, async (progress) => {
      const client = this.etcd();
      const range = await client.getAll().prefix(prefix).exec();
      progress();
      const revision = Number(range.header.revision);
      const records = new Map<string, ServiceInstance>();
      for (const kv of range.kvs) {
        const instance = parseRecord(kv, prefix);
        if (instance) records.set(kv.key.toString(), instance);
      }
      // A re-list at an older revision than we have seen is a different (rebuilt) cluster.
      tracker.accept([...records.values()], {
        authoritative: lastRevision > 0 && revision >= lastRevision,
      });
      lastRevision = Math.max(lastRevision, revision);
      if (signal.aborted) return;

      const watcher: Watcher = await client
        .watch()
        .prefix(prefix)
        .startRevision(String(revision + 1))
        .create();
      await new Promise<void>((resolve, reject) => {
        const finish = (error?: unknown) => {
          signal.removeEventListener('abort', onAbort);
          watcher.removeAllListeners();
          // Cancelling also errors when the connection is already gone; nothing more to do then.
          watcher.cancel().catch(() => {});
          if (error) reject(error);
          else resolve();
        };
        const onAbort = () => finish();
        signal.addEventListener('abort', onAbort, { once: true });
        watcher.on('put', (kv) => {
          const instance = parseRecord(kv, prefix);
          if (instance) records.set(kv.key.toString(), instance);
          else records.delete(kv.key.toString());
          lastRevision = Math.max(lastRevision, Number(kv.mod_revision));
          tracker.accept([...records.values()], { authoritative: true });
        });
        watcher.on('delete', (kv) => {
          records.delete(kv.key.toString());
          lastRevision = Math.max(lastRevision, Number(kv.mod_revision));
          // A DELETE event (explicit delete or lease expiry) is etcd saying the key is gone.
          tracker.accept([...records.values()], { authoritative: true });
        });
        watcher.on('disconnected', (error) =>
          finish(new DiscoveryError(`etcd watch disconnected: ${error.message}`)),
        );
        watcher.on('error', (error) =>
          finish(new DiscoveryError(`etcd watch failed: ${error.message}`)),
        );
        watcher.on('end', () => finish(new DiscoveryError('etcd ended the watch')));
      });
    });
  }

  async list(ref: ServiceRef): Promise<ServiceInstance[]> {
    const prefix = this.servicePrefix(ref);
    const range = await this.etcd().getAll().prefix(prefix).exec();
    return range.kvs
      .map((kv) => parseRecord(kv, prefix))
      .filter((i): i is ServiceInstance => i !== null);
  }

  async listServices(): Promise<string[]> {
    const keys = await this.etcd().getAll().prefix(this.basePrefix).keys();
    const names = new Set<string>();
    for (const key of keys) {
      const name = key.slice(this.basePrefix.length).split('/')[0];
      if (name) names.add(name);
    }
    return [...names].sort();
  }

  protected override async release(): Promise<void> {
    this.client?.close();
    this.client = null;
  }
}

function parseRecord(kv: IKeyValue, prefix: string): ServiceInstance | null {
  const key = kv.key.toString();
  let raw: unknown;
  try {
    raw = JSON.parse(kv.value.toString());
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const record = raw as Record<string, unknown>;
  const address = typeof record.address === 'string' ? record.address : null;
  const port = typeof record.port === 'number' ? record.port : Number(record.port);
  if (!address || !Number.isInteger(port)) return null;
  return instanceFrom({
    id: typeof record.id === 'string' ? record.id : key.slice(prefix.length),
    address,
    port,
    metadata: record.metadata,
    weight: typeof record.weight === 'number' ? record.weight : undefined,
    zone: typeof record.zone === 'string' ? record.zone : undefined,
  });
}
