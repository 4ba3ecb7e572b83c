import type { IncomingHttpHeaders } from 'node:http';
import type { SnapshotService } from '@portico/config';
import { ActiveHealthChecker } from './active-health-checker';
import { CircuitBreaker } from './circuit-breaker';
import { HashRing, hash32 } from './hash-ring';
import { RetryBudget } from './retry-budget';
import { UpstreamMember } from './upstream-member';
import type {
  AnnouncedInstance,
  DiscoveryView,
  InstanceHealth,
  PickContext,
  UpstreamInstance,
  UpstreamSelector,
} from './upstream-selector';

export interface BalancerClock {
  now: () => number;
  random: () => number;
}

const SYSTEM_CLOCK: BalancerClock = { now: Date.now, random: Math.random };

/**
 * Everything the gateway knows about one service's instances: the load-balancing algorithm,
 * one merged health state per instance (registry membership, active checks, passive ejection
 * with half-open return), the ejection cap, panic mode, the circuit breaker and the retry
 * budget. All of it is per service and per gateway process.
 */
export class ServiceBalancer implements UpstreamSelector {
  private members: UpstreamMember[] = [];
  private ring: HashRing<UpstreamMember> | null = null;
  /** Reused by power-of-two so picking allocates nothing. */
  private readonly scratch: UpstreamMember[] = [];
  private cursor = 0;
  private readonly breaker: CircuitBreaker | null;
  private readonly budget: RetryBudget;
  private readonly checker: ActiveHealthChecker | null;
  private view: DiscoveryView | null = null;
  private readonly algorithm: SnapshotService['loadBalancer']['algorithm'];

  constructor(
    private readonly service: SnapshotService,
    private readonly clock: BalancerClock = SYSTEM_CLOCK,
  ) {
    this.algorithm = service.loadBalancer.algorithm;
    this.breaker = service.circuitBreaker.enabled
      ? new CircuitBreaker(service.circuitBreaker, clock.now)
      : null;
    this.budget = new RetryBudget(service.retries.budgetPercent, clock.now);
    this.checker = service.healthCheck.active.enabled
      ? new ActiveHealthChecker(service.healthCheck.active, () => this.members, service.tls)
      : null;
    this.setInstances(
      service.targets.map((t) => ({
        id: `${t.host}:${t.port}`,
        address: t.host,
        port: t.port,
        weight: t.weight,
      })),
    );
  }

  // ---- admission, retries -------------------------------------------------------------

  admit(): boolean {
    this.budget.deposit();
    return this.breaker === null || this.breaker.allow();
  }

  abandon(): void {
    this.breaker?.release();
  }

  tryRetry(): boolean {
    if (this.breaker !== null && this.breaker.state !== 'closed') return false;
    return this.budget.tryWithdraw();
  }

  /** Milliseconds until the open breaker lets probes through; 0 when it is not open. */
  breakerRetryAfterMs(): number {
    return this.breaker?.retryAfterMs() ?? 0;
  }

  breakerState(): string {
    return this.breaker?.state ?? 'disabled';
  }

  // ---- picking --------------------------------------------------------------------------

  pick(
    ctx: PickContext | null,
    headers: IncomingHttpHeaders | null,
    exclude: UpstreamInstance | null = null,
  ): UpstreamInstance | null {
    const members = this.members;
    if (members.length === 0) return null;
    const now = this.clock.now();
    // Panic mode: with too few healthy instances, health is ignored and load spreads over all,
    // rather than piling everything on the survivors.
    let healthy = 0;
    for (const m of members) if (isHealthy(m, now)) healthy++;
    const panic = healthy * 100 < members.length * this.service.healthCheck.panicThresholdPercent;
    if (healthy === 0 && !panic) return null;

    let chosen: UpstreamMember | null;
    switch (this.algorithm) {
      case 'least-outstanding':
        chosen = this.leastOutstanding(now, panic, exclude);
        break;
      case 'power-of-two':
        chosen = this.powerOfTwo(now, panic, exclude);
        break;
      case 'consistent-hash':
        chosen = this.consistentHash(ctx, headers, now, panic, exclude);
        break;
      default:
        chosen = this.roundRobin(now, panic, exclude);
    }
    if (chosen === null) return null;
    chosen.outstanding++;
    if (chosen.halfOpen && chosen.ejectedUntil <= now) chosen.trialInFlight++;
    return chosen;
  }

  private usable(m: UpstreamMember, now: number, panic: boolean, exclude: unknown): boolean {
    if (m === exclude || m.weight <= 0) return false;
    if (panic) return true;
    return isHealthy(m, now) && !(m.halfOpen && m.trialInFlight > 0);
  }

  private roundRobin(now: number, panic: boolean, exclude: unknown): UpstreamMember | null {
    let total = 0;
    let best: UpstreamMember | null = null;
    for (const m of this.members) {
      if (!this.usable(m, now, panic, exclude)) continue;
      m.current += m.weight;
      total += m.weight;
      if (best === null || m.current > best.current) best = m;
    }
    if (best !== null) best.current -= total;
    return best;
  }

  private leastOutstanding(now: number, panic: boolean, exclude: unknown): UpstreamMember | null {
    const members = this.members;
    const n = members.length;
    // Start after the last choice so ties rotate instead of always landing on the first.
    this.cursor = (this.cursor + 1) % n;
    let best: UpstreamMember | null = null;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const m = members[(this.cursor + i) % n] as UpstreamMember;
      if (!this.usable(m, now, panic, exclude)) continue;
      const score = (m.outstanding + 1) / m.weight;
      if (score < bestScore) {
        best = m;
        bestScore = score;
      }
    }
    return best;
  }

  private powerOfTwo(now: number, panic: boolean, exclude: unknown): UpstreamMember | null {
    const candidates = this.scratch;
    candidates.length = 0;
    for (const m of this.members) if (this.usable(m, now, panic, exclude)) candidates.push(m);
    const n = candidates.length;
    if (n === 0) return null;
    if (n === 1) return candidates[0] as UpstreamMember;
    const i = Math.floor(this.clock.random() * n);
    let j = Math.floor(this.clock.random() * (n - 1));
    if (j >= i) j++;
    const a = candidates[i] as UpstreamMember;
    const b = candidates[j] as UpstreamMember;
    candidates.length = 0;
    return (a.outstanding + 1) / a.weight <= (b.outstanding + 1) / b.weight ? a : b;
  }

  private consistentHash(
    ctx: PickContext | null,
    headers: IncomingHttpHeaders | null,
    now: number,
    panic: boolean,
    exclude: unknown,
  ): UpstreamMember | null {
    const key = this.hashKey(ctx, headers);
    if (key === null || this.ring === null) return this.roundRobin(now, panic, exclude);
    return this.ring.lookup(hash32(key), (m) => this.usable(m, now, panic, exclude));
  }

  private hashKey(ctx: PickContext | null, headers: IncomingHttpHeaders | null): string | null {
    const lb = this.service.loadBalancer;
    if (lb.hashOn === 'consumer') return ctx?.consumerId ?? ctx?.clientIp ?? null;
    if (lb.hashOn === 'header' && lb.hashHeader !== undefined && headers !== null) {
      const value = headers[lb.hashHeader.toLowerCase()];
      const first = Array.isArray(value) ? value[0] : value;
      if (first !== undefined && first !== '') return first;
    }
    return ctx?.clientIp ?? null;
  }

  // ---- reports ----------------------------------------------------------------------------

  reportSuccess(instance: UpstreamInstance): void {
    this.breaker?.record(true);
    const m = this.own(instance);
    if (m === null) return;
    if (m.halfOpen) {
      m.halfOpen = false;
      m.trialInFlight = 0;
      m.ejections = 0;
    }
    m.consecutiveFailures = 0;
  }

  reportFailure(instance: UpstreamInstance): void {
    this.breaker?.record(false);
    const m = this.own(instance);
    if (m === null) return;
    const passive = this.service.healthCheck.passive;
    if (!passive.enabled) return;
    const now = this.clock.now();
    m.lastFailureAt = now;
    m.consecutiveFailures++;
    // A failed trial re-ejects at once; otherwise it takes `consecutiveFailures` in a row.
    const trialFailed = m.halfOpen;
    if (trialFailed) m.trialInFlight = 0;
    if (!trialFailed && m.consecutiveFailures < passive.consecutiveFailures) return;
    if (m.ejectedUntil > now) return;
    if (!this.mayEject(now)) return;
    const backoff = Math.min(passive.maxEjectionMs, passive.baseEjectionMs * 2 ** m.ejections);
    m.ejections++;
    m.consecutiveFailures = 0;
    m.ejectedUntil = now + backoff;
    m.halfOpen = true;
  }

  release(instance: UpstreamInstance): void {
    this.breaker?.release();
    const m = this.own(instance);
    if (m !== null && m.trialInFlight > 0) m.trialInFlight--;
  }

  /** The ejection cap: never more than maxEjectionPercent of the instances ejected at once. */
  private mayEject(now: number): boolean {
    let ejected = 0;
    for (const m of this.members) if (m.ejectedUntil > now) ejected++;
    return (ejected + 1) * 100 <= this.members.length * this.service.healthCheck.maxEjectionPercent;
  }

  /** The member behind a picked instance, its in-flight count released; null if it left. */
  private own(instance: UpstreamInstance): UpstreamMember | null {
    if (!(instance instanceof UpstreamMember)) return null;
    if (instance.outstanding > 0) instance.outstanding--;
    return instance.owner === this ? instance : null;
  }

  // ---- instance set, status, lifecycle ---------------------------------------------------

  setInstances(instances: readonly AnnouncedInstance[]): void {
    const previous = new Map(this.members.map((m) => [m.id, m]));
    const next: UpstreamMember[] = [];
    for (const inst of instances) {
      const kept = previous.get(inst.id);
      if (kept !== undefined && kept.host === inst.address && kept.port === inst.port) {
        kept.weight = inst.weight;
        previous.delete(inst.id);
        next.push(kept);
        continue;
      }
      next.push(
        new UpstreamMember(
          this,
          inst.id,
          inst.address,
          inst.port,
          inst.weight,
          this.service.scheme,
        ),
      );
    }
    for (const gone of previous.values()) gone.owner = null;
    this.members = next;
    this.ring = this.algorithm === 'consistent-hash' ? new HashRing(next) : null;
  }

  setDiscoveryView(view: DiscoveryView | null): void {
    this.view = view;
  }

  discoveryView(): DiscoveryView | null {
    return this.view;
  }

  health(): InstanceHealth[] {
    const now = this.clock.now();
    return this.members.map((m) => {
      let state: InstanceHealth['state'] = 'healthy';
      let reason: string | null = null;
      if (!m.activeHealthy) {
        state = 'unhealthy';
        reason = `active: ${m.activeFailStreak} failed checks of ${this.service.healthCheck.active.path} in a row (last: ${m.activeLastError ?? 'unknown'})`;
      } else if (m.ejectedUntil > now) {
        state = 'ejected';
        reason = `passive: failures on live traffic, ejection ${m.ejections}, half-open trial in ${m.ejectedUntil - now} ms`;
      } else if (m.halfOpen) {
        reason = 'passive: half-open, trial requests until one succeeds';
      } else if (m.weight <= 0) {
        state = 'draining';
        reason = 'weight 0';
      }
      return { id: m.id, address: m.host, port: m.port, state, reason };
    });
  }

  start(): void {
    this.checker?.start();
  }

  close(): void {
    this.checker?.stop();
  }
}

function isHealthy(m: UpstreamMember, now: number): boolean {
  return m.activeHealthy && m.ejectedUntil <= now && m.weight > 0;
}
