import type zookeeper from 'node-zookeeper-client';
import { type AdapterContext, DiscoveryError, instanceFrom, WatchingAdapter } from './adapter-base';
import type { ZookeeperLibrary } from './client-libraries';
import type { InstanceTracker } from './instance-tracker';
import type { ServiceInstance, ServiceRef } from './types';

type ZkClient = zookeeper.Client;

const CONNECT_TIMEOUT_MS = 5000;
const OPERATION_TIMEOUT_MS = 10_000;

/**
 * The client queues operations while disconnected and may never call back; a watch must still
 * notice the outage (to report it) and stop promptly when closed.
 */
function bounded<T>(operation: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(new DiscoveryError('aborted'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new DiscoveryError(`ZooKeeper did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    operation.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

/**
 * ZooKeeper in Apache Curator's service-discovery layout: one znode per instance at
 * `<basePath>/<service>/<id>` (usually ephemeral) holding JSON
 * `{name, id, address, port, sslPort, payload, registrationTimeUTC, serviceType, uriSpec}`.
 * A watch reads the children and their data with one-shot ZooKeeper watches set, and reads
 * again when any of them fires. `address` is the connect string (`host:port,host:port`).
 * Options: `basePath` (default `/services`). Secrets: `digest` (`user:password`). Built with its
 * client library already loaded (see client-libraries.ts).
 */
export class ZookeeperAdapter extends WatchingAdapter {
  private client: ZkClient | null = null;
  private readonly basePath: string;

  constructor(
    ctx: AdapterContext,
    private readonly zk: ZookeeperLibrary,
  ) {
    super(ctx);
    const base =
      typeof ctx.registry.options.basePath === 'string'
        ? ctx.registry.options.basePath
        : '/services';
    this.basePath = base.replace(/\/+$/, '') || '/';
  }

  /** The shared session, replaced when ZooKeeper expired it. */
  private session(): ZkClient {
    if (this.client) return this.client;
    const client = this.zk.createClient(this.ctx.registry.address, {
      sessionTimeout: 10_000,
      spinDelay: 500,
      retries: 0,
    });
    const digest = this.ctx.secrets.digest;
    if (digest) client.addAuthInfo('digest', Buffer.from(digest));
    client.on('expired', () => {
      if (this.client === client) this.client = null;
      client.close();
    });
    client.connect();
    this.client = client;
    return client;
  }

  private async connected(signal: AbortSignal): Promise<ZkClient> {
    const client = this.session();
    const state = client.getState();
    if (state === this.zk.State.SYNC_CONNECTED) return client;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        client.off('connected', onConnected);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onConnected = () => done();
      const onAbort = () => done(new DiscoveryError('aborted'));
      const timer = setTimeout(
        () =>
          done(
            new DiscoveryError(`could not connect to ZooKeeper within ${CONNECT_TIMEOUT_MS} ms`),
          ),
        CONNECT_TIMEOUT_MS,
      );
      client.once('connected', onConnected);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return client;
  }

  private servicePath(ref: ServiceRef): string {
    return `${this.basePath === '/' ? '' : this.basePath}/${ref.service}`;
  }

  /** Reads every instance, arming `watcher` on the children list and on each instance's data. */
  private async read(
    client: ZkClient,
    path: string,
    watcher?: () => void,
  ): Promise<ServiceInstance[]> {
    const children = await new Promise<string[]>((resolve, reject) => {
      const callback = (error: Error | zookeeper.Exception | null, names: string[]) => {
        if (error)
          reject(new DiscoveryError(`ZooKeeper getChildren ${path} failed: ${String(error)}`));
        else resolve(names);
      };
      if (watcher) client.getChildren(path, watcher, callback);
      else client.getChildren(path, callback);
    });
    const instances = await Promise.all(
      children.map(
        (child) =>
          new Promise<ServiceInstance | null>((resolve, reject) => {
            const callback = (error: Error | zookeeper.Exception | null, data: Buffer) => {
              // The instance vanished between the listing and this read: the next round sees it.
              if (error && 'getCode' in error && error.getCode() === this.zk.Exception.NO_NODE)
                return resolve(null);
              if (error)
                return reject(
                  new DiscoveryError(`ZooKeeper getData ${path}/${child} failed: ${String(error)}`),
                );
              resolve(parseCuratorInstance(child, data));
            };
            if (watcher) client.getData(`${path}/${child}`, watcher, callback);
            else client.getData(`${path}/${child}`, callback);
          }),
      ),
    );
    return instances.filter((i): i is ServiceInstance => i !== null);
  }

  protected async runWatch(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
  ): Promise<void> {
    const path = this.servicePath(ref);
    // One watcher function for the whole watch: the client keeps one registration per function
    // and znode, so re-arming on every round does not pile up callbacks on quiet znodes.
    let fired: () => void = () => {};
    const watcher = () => fired();
    await this.reconnectLoop(ref, tracker, signal, async (progress) => {
      const client = await this.connected(signal);
      const changed = new Promise<void>((resolve) => {
        fired = resolve;
      });
      const instances = await bounded(
        this.read(client, path, watcher),
        signal,
        OPERATION_TIMEOUT_MS,
      );
      progress();
      // A successful listing of an existing parent on a live session is ZooKeeper's own truth:
      // ephemeral znodes vanish only when their owner deregisters or its session expires.
      tracker.accept(instances, { authoritative: true });
      await new Promise<void>((resolve, reject) => {
        const finish = (error?: Error) => {
          client.off('disconnected', onDisconnected);
          client.off('expired', onDisconnected);
          signal.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve();
        };
        const onDisconnected = () => finish(new DiscoveryError('lost the ZooKeeper connection'));
        const onAbort = () => finish();
        client.once('disconnected', onDisconnected);
        client.once('expired', onDisconnected);
        signal.addEventListener('abort', onAbort, { once: true });
        void changed.then(() => finish());
      });
    });
  }

  async list(ref: ServiceRef): Promise<ServiceInstance[]> {
    const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS + OPERATION_TIMEOUT_MS);
    const client = await this.connected(signal);
    return bounded(this.read(client, this.servicePath(ref)), signal, OPERATION_TIMEOUT_MS);
  }

  async listServices(): Promise<string[]> {
    const client = await this.connected(AbortSignal.timeout(CONNECT_TIMEOUT_MS + 1000));
    const names = await new Promise<string[]>((resolve, reject) => {
      client.getChildren(this.basePath, (error, children) => {
        if (error)
          reject(
            new DiscoveryError(`ZooKeeper getChildren ${this.basePath} failed: ${String(error)}`),
          );
        else resolve(children);
      });
    });
    return names.sort();
  }

  protected override async release(): Promise<void> {
    this.client?.close();
    this.client = null;
  }
}

/** Curator's ServiceInstance JSON; `payload.metadata` (Spring Cloud) or the payload itself is metadata. */
function parseCuratorInstance(child: string, data: Buffer | undefined): ServiceInstance | null {
  if (!data || data.length === 0) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const record = raw as Record<string, unknown>;
  const port =
    typeof record.port === 'number'
      ? record.port
      : typeof record.sslPort === 'number'
        ? record.sslPort
        : null;
  if (typeof record.address !== 'string' || port === null) return null;
  const payload = record.payload;
  const sslOnly = typeof record.sslPort === 'number' && typeof record.port !== 'number';
  return instanceFrom({
    id: typeof record.id === 'string' ? record.id : child,
    address: record.address,
    port,
    metadata:
      payload && typeof payload === 'object' && 'metadata' in payload
        ? (payload as { metadata: unknown }).metadata
        : payload,
    defaults: { scheme: sslOnly ? 'https' : undefined },
  });
}
