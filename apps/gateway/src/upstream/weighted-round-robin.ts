import type { Target } from '@portico/config';
import type { InstanceHealth, UpstreamInstance, UpstreamSelector } from './upstream-selector';

interface Slot {
  instance: UpstreamInstance;
  weight: number;
  current: number;
  consecutiveFailures: number;
  ejectedUntil: number;
  ejections: number;
}

export interface PassiveHealthOptions {
  enabled: boolean;
  consecutiveFailures: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** Never eject more than this share of instances at once. */
  maxEjectionPercent: number;
}

/**
 * Smooth weighted round-robin (nginx's algorithm: even spread, no bursts) over static targets,
 * with passive ejection: consecutive failures take an instance out for a back-off that doubles
 * on each ejection; when it is due back it gets traffic again (the next failure re-ejects it).
 */
export class WeightedRoundRobinSelector implements UpstreamSelector {
  private readonly slots: Slot[];

  constructor(
    targets: readonly Target[],
    scheme: 'http' | 'https',
    private readonly passive: PassiveHealthOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.slots = targets
      .filter((t) => t.weight > 0)
      .map((t) => {
        const host = t.host.includes(':') && !t.host.startsWith('[') ? `[${t.host}]` : t.host;
        return {
          instance: {
            id: `${t.host}:${t.port}`,
            host: t.host,
            port: t.port,
            origin: `${scheme}://${host}:${t.port}`,
          },
          weight: t.weight,
          current: 0,
          consecutiveFailures: 0,
          ejectedUntil: 0,
          ejections: 0,
        };
      });
  }

  pick(): UpstreamInstance | null {
    const now = this.now();
    let total = 0;
    let best: Slot | null = null;
    for (const slot of this.slots) {
      if (slot.ejectedUntil > now) continue;
      slot.current += slot.weight;
      total += slot.weight;
      if (best === null || slot.current > best.current) best = slot;
    }
    if (best === null) return null;
    best.current -= total;
    return best.instance;
  }

  reportSuccess(instance: UpstreamInstance): void {
    const slot = this.slotOf(instance);
    if (slot && slot.consecutiveFailures !== 0) {
      slot.consecutiveFailures = 0;
      slot.ejections = 0;
    }
  }

  reportFailure(instance: UpstreamInstance): void {
    if (!this.passive.enabled) return;
    const slot = this.slotOf(instance);
    if (!slot) return;
    slot.consecutiveFailures++;
    if (slot.consecutiveFailures < this.passive.consecutiveFailures) return;
    const now = this.now();
    const ejected = this.slots.filter((s) => s.ejectedUntil > now).length;
    if ((ejected + 1) * 100 > this.slots.length * this.passive.maxEjectionPercent) return;
    const backoff = Math.min(
      this.passive.maxEjectionMs,
      this.passive.baseEjectionMs * 2 ** slot.ejections,
    );
    slot.ejections++;
    slot.consecutiveFailures = 0;
    slot.ejectedUntil = now + backoff;
  }

  health(): InstanceHealth[] {
    const now = this.now();
    return this.slots.map((s) => ({
      id: s.instance.id,
      address: s.instance.host,
      port: s.instance.port,
      state: s.ejectedUntil > now ? 'ejected' : 'healthy',
      reason:
        s.ejectedUntil > now
          ? `passive: consecutive failures, back in ${s.ejectedUntil - now} ms`
          : null,
    }));
  }

  private slotOf(instance: UpstreamInstance): Slot | undefined {
    return this.slots.find((s) => s.instance === instance);
  }
}
