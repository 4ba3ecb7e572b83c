import type { SnapshotRegistry } from '@portico/config';
import { backoffDelayMs, sleep } from './backoff';
import { InstanceTracker } from './instance-tracker';
import type {
  DiscoveryAdapter,
  DiscoveryDeps,
  DiscoveryLogger,
  InstanceUpdate,
  ServiceInstance,
  ServiceRef,
} from './types';

const silentLogger: DiscoveryLogger = { warn() {}, info() {} };

/** Everything an adapter needs from its surroundings, built once per registry. */
export interface AdapterContext {
  registry: SnapshotRegistry;
  secrets: Record<string, string>;
  fetch: typeof fetch;
  logger: DiscoveryLogger;
  random: () => number;
}

export function adapterContext(
  registry: SnapshotRegistry,
  secrets: Record<string, string>,
  deps: DiscoveryDeps = {},
): AdapterContext {
  return {
    registry,
    secrets,
    fetch: deps.fetch ?? globalThis.fetch,
    logger: deps.logger ?? silentLogger,
    random: deps.random ?? Math.random,
  };
}

/** Marks a round of a watch loop as having reached the registry, which resets the back-off. */
export type Progress = () => void;

interface RunningWatch {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Shared watch bookkeeping: one loop per watch with reconnect back-off, the stale rule via
 * InstanceTracker, credential redaction in every reported error, and a close() that waits for
 * every loop to finish so nothing is left running.
 */
export abstract class WatchingAdapter implements DiscoveryAdapter {
  private readonly running = new Set<RunningWatch>();
  private closed = false;

  constructor(protected readonly ctx: AdapterContext) {}

  watch(ref: ServiceRef, onUpdate: (update: InstanceUpdate) => void): () => void {
    const abort = new AbortController();
    if (this.closed) {
      return () => {};
    }
    const tracker = new InstanceTracker((update) => {
      if (abort.signal.aborted) return;
      try {
        onUpdate(update);
      } catch (error) {
        this.ctx.logger.warn(
          { registry: this.ctx.registry.name, service: ref.service, error: this.describe(error) },
          'discovery update listener threw',
        );
      }
    });
    const entry: RunningWatch = { abort, done: Promise.resolve() };
    entry.done = this.runWatch(ref, tracker, abort.signal)
      .catch((error: unknown) => {
        tracker.fail(this.describe(error));
      })
      .finally(() => this.running.delete(entry));
    this.running.add(entry);
    return () => abort.abort();
  }

  abstract list(ref: ServiceRef): Promise<ServiceInstance[]>;
  abstract listServices(): Promise<string[]>;

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.running];
    for (const entry of all) entry.abort.abort();
    await Promise.allSettled(all.map((entry) => entry.done));
    await this.release();
  }

  /** Releases shared clients (gRPC channels, ZooKeeper sessions) once every watch stopped. */
  protected async release(): Promise<void> {}

  /** Follows `ref` until `signal` aborts; usually `reconnectLoop` around one round. */
  protected abstract runWatch(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
  ): Promise<void>;

  /**
   * Longest wait before retrying a failed round. Connection-oriented registries back off up to
   * the shared ceiling; an adapter whose rounds are cheap, stateless queries may retry sooner.
   */
  protected maxRetryDelayMs(): number {
    return Number.POSITIVE_INFINITY;
  }

  /**
   * Runs `round` again and again: immediately after a round that made progress and ended
   * normally, after a jittered, growing back-off otherwise. Failures mark the watch degraded
   * and keep the last known instances.
   */
  protected async reconnectLoop(
    ref: ServiceRef,
    tracker: InstanceTracker,
    signal: AbortSignal,
    round: (progress: Progress) => Promise<void>,
  ): Promise<void> {
    let attempt = 0;
    let failing = false;
    for (;;) {
      if (signal.aborted) return;
      let progressed = false;
      const progress = () => {
        progressed = true;
        attempt = 0;
        if (failing) {
          failing = false;
          this.ctx.logger.info(
            { registry: this.ctx.registry.name, service: ref.service },
            'discovery watch recovered',
          );
        }
      };
      try {
        await round(progress);
        if (signal.aborted) return;
        if (progressed) continue;
      } catch (error) {
        if (signal.aborted) return;
        const message = this.describe(error);
        tracker.fail(message);
        if (!failing) {
          failing = true;
          this.ctx.logger.warn(
            { registry: this.ctx.registry.name, service: ref.service, error: message },
            'discovery watch failed; keeping last known instances and reconnecting',
          );
        }
      }
      await sleep(
        Math.min(backoffDelayMs(attempt, this.ctx.random), this.maxRetryDelayMs()),
        signal,
      );
      attempt += 1;
    }
  }

  /** An error message with every credential value blanked out. */
  protected describe(error: unknown): string {
    let message = error instanceof Error ? error.message : String(error);
    for (const value of Object.values(this.ctx.secrets)) {
      if (value.length >= 4) message = message.split(value).join('***');
    }
    return message;
  }
}

/** A registry-level failure with a message safe to show (no credentials, no query strings). */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

/** Parses a metadata weight the way every adapter does: a positive integer, else 1. */
export function weightFrom(value: string | number | undefined | null): number {
  const n = typeof value === 'number' ? value : Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), 1_000_000) : 1;
}

export function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string') out[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    }
  }
  return out;
}

/** What an adapter read of one instance, in its registry's terms. */
export interface InstanceFields {
  id: string;
  address: string;
  port: number;
  /** The registry's metadata object: strings kept, numbers and booleans stringified, the rest dropped. */
  metadata: unknown;
  /** Entries the adapter adds (tags, node, scheme) where the registry's metadata has none. */
  defaults?: Record<string, string | undefined>;
  /** The registry's own weight field, when it has one; otherwise `metadata.weight`. */
  weight?: string | number | null;
  /** The registry's own zone field, when it has one; otherwise `metadata.zone`, then `fallbackZone`. */
  zone?: string;
  fallbackZone?: string | null;
}

/** One ServiceInstance, built the same way by every adapter. */
export function instanceFrom(fields: InstanceFields): ServiceInstance {
  const metadata = stringRecord(fields.metadata);
  for (const [key, value] of Object.entries(fields.defaults ?? {}))
    if (value !== undefined) metadata[key] ??= value;
  return {
    id: fields.id,
    address: fields.address,
    port: fields.port,
    weight: weightFrom(fields.weight === undefined ? metadata.weight : fields.weight),
    metadata,
    zone: fields.zone ?? metadata.zone ?? fields.fallbackZone ?? null,
  };
}

/**
 * A blocking-query registry's `waitSeconds` option: how long one query may park (default 30,
 * at least 1, at most `maxSeconds`; anything unreadable is the default).
 */
export function waitSecondsOption(ctx: AdapterContext, maxSeconds: number): number {
  const wait = Number(ctx.registry.options.waitSeconds ?? 30);
  return Number.isFinite(wait) && wait >= 1 ? Math.min(wait, maxSeconds) : 30;
}
