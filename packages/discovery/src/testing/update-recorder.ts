import type { InstanceUpdate } from '../types';

/** Collects a watch's updates and lets a test wait for one that matches, with a deadline. */
export class UpdateRecorder {
  readonly updates: InstanceUpdate[] = [];
  private waiters: Array<() => void> = [];
  /** Index after the last update a waitFor matched: each wait looks only at what came later. */
  private consumed = 0;

  readonly listener = (update: InstanceUpdate): void => {
    this.updates.push(update);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  };

  get last(): InstanceUpdate | undefined {
    return this.updates.at(-1);
  }

  /**
   * Resolves with the first update satisfying `predicate` among those after the previous
   * match (already received or still to come), so successive waits follow the story in order.
   */
  async waitFor(
    predicate: (update: InstanceUpdate) => boolean,
    timeoutMs = 10_000,
    what = 'update',
  ): Promise<InstanceUpdate> {
    const deadline = Date.now() + timeoutMs;
    let checked = this.consumed;
    for (;;) {
      for (; checked < this.updates.length; checked++) {
        const update = this.updates[checked];
        if (update && predicate(update)) {
          this.consumed = checked + 1;
          return update;
        }
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`timed out waiting for ${what}; last update: ${JSON.stringify(this.last)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for an update whose endpoints are exactly `expected` (sorted `address:port`). */
  waitForEndpoints(expected: readonly string[], timeoutMs = 10_000, what = 'endpoints') {
    const wanted = [...expected].sort().join();
    return this.waitFor((u) => endpoints(u).join() === wanted, timeoutMs, what);
  }

  /**
   * The endpoints of the next degraded update (the registry failing or unreachable); adapters keep
   * the last known set through an outage, which is what tests compare this with.
   */
  async degradedEndpoints(timeoutMs = 10_000, what = 'degraded'): Promise<string[]> {
    return endpoints(await this.waitFor((u) => u.status === 'degraded', timeoutMs, what));
  }

  /**
   * A registry outage as a watch lives it: stops `registry`, takes the endpoints of the degraded
   * update that follows (adapters keep the last known set), runs `whileDown` (a change the watch
   * cannot see yet), starts the registry again and waits for a healthy update, with exactly
   * `recoveredTo` as its endpoints when given.
   */
  async throughOutage(
    registry: { stop(): Promise<void>; start(): Promise<void> },
    options: { whileDown?: () => void; recoveredTo?: readonly string[]; timeoutMs: number },
  ): Promise<{ kept: string[]; recovered: InstanceUpdate }> {
    await registry.stop();
    const kept = await this.degradedEndpoints(
      options.timeoutMs,
      'degraded while the registry is down',
    );
    options.whileDown?.();
    await registry.start();
    const wanted =
      options.recoveredTo === undefined ? null : [...options.recoveredTo].sort().join();
    const recovered = await this.waitFor(
      (u) => u.status === 'ok' && (wanted === null || endpoints(u).join() === wanted),
      options.timeoutMs,
      'recovery',
    );
    return { kept, recovered };
  }
}

/** Sorted `address:port` list, the shape most assertions want. */
export function endpoints(update: InstanceUpdate | undefined): string[] {
  return (update?.instances ?? []).map((i) => `${i.address}:${i.port}`).sort();
}
