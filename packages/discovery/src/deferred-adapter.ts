import type { DiscoveryAdapter, InstanceUpdate, ServiceInstance, ServiceRef } from './types';

/**
 * An adapter whose real one is still being built (its client library loading). It answers at
 * once: watches start when the adapter is ready, one-shot reads wait for it, and a library that
 * fails to load shows as a degraded watch and a rejected read, never as an unhandled rejection.
 */
export class DeferredAdapter implements DiscoveryAdapter {
  private readonly ready: Promise<DiscoveryAdapter>;
  private closed = false;

  constructor(build: Promise<DiscoveryAdapter>) {
    this.ready = build;
    // Failures are reported by each watch and read; this keeps a failed build from being unhandled.
    this.ready.catch(() => undefined);
  }

  watch(ref: ServiceRef, onUpdate: (update: InstanceUpdate) => void): () => void {
    let stop: (() => void) | null = null;
    let stopped = false;
    this.ready.then(
      (adapter) => {
        if (!stopped && !this.closed) stop = adapter.watch(ref, onUpdate);
      },
      (error: unknown) => {
        if (stopped || this.closed) return;
        onUpdate({ instances: [], status: 'degraded', error: describe(error), lastSyncAt: null });
      },
    );
    return () => {
      stopped = true;
      stop?.();
    };
  }

  async list(ref: ServiceRef): Promise<ServiceInstance[]> {
    return (await this.ready).list(ref);
  }

  async listServices(): Promise<string[]> {
    return (await this.ready).listServices();
  }

  async close(): Promise<void> {
    this.closed = true;
    const adapter = await this.ready.catch(() => null);
    await adapter?.close();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
