import type { CircuitBreaker as CircuitBreakerSettings } from '@portico/config';

const BUCKETS = 10;

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Per-service circuit breaker. Closed: outcomes are counted in a sliding window of 10 buckets;
 * once the window holds at least `minimumRequests` and the failure share reaches
 * `failureRatePercent`, it opens. Open: every request is refused at once for `openMs`. Then
 * half-open: `halfOpenProbes` requests go through; all succeeding closes it, any failing
 * re-opens it.
 */
export class CircuitBreaker {
  private stateNow: BreakerState = 'closed';
  private readonly successes = new Int32Array(BUCKETS);
  private readonly failures = new Int32Array(BUCKETS);
  private readonly bucketStart = new Float64Array(BUCKETS);
  private readonly bucketMs: number;
  private openUntil = 0;
  private probesAdmitted = 0;
  private probeSuccesses = 0;

  constructor(
    private readonly settings: CircuitBreakerSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, Math.floor(settings.windowMs / BUCKETS));
  }

  get state(): BreakerState {
    if (this.stateNow === 'open' && this.now() >= this.openUntil) return 'half-open';
    return this.stateNow;
  }

  allow(): boolean {
    if (this.stateNow === 'closed') return true;
    if (this.stateNow === 'open') {
      if (this.now() < this.openUntil) return false;
      this.stateNow = 'half-open';
      this.probesAdmitted = 0;
      this.probeSuccesses = 0;
    }
    if (this.probesAdmitted >= this.settings.halfOpenProbes) return false;
    this.probesAdmitted++;
    return true;
  }

  record(ok: boolean): void {
    if (this.stateNow === 'half-open') {
      if (!ok) {
        this.trip();
        return;
      }
      this.probeSuccesses++;
      if (this.probeSuccesses >= this.settings.halfOpenProbes) this.reset();
      return;
    }
    if (this.stateNow === 'open') return;
    const now = this.now();
    const slot = Math.floor(now / this.bucketMs) % BUCKETS;
    const start = now - (now % this.bucketMs);
    if (this.bucketStart[slot] !== start) {
      this.bucketStart[slot] = start;
      this.successes[slot] = 0;
      this.failures[slot] = 0;
    }
    if (ok) {
      this.successes[slot] = (this.successes[slot] as number) + 1;
      return;
    }
    this.failures[slot] = (this.failures[slot] as number) + 1;
    let total = 0;
    let failed = 0;
    const oldest = now - this.settings.windowMs;
    for (let i = 0; i < BUCKETS; i++) {
      if ((this.bucketStart[i] as number) <= oldest) continue;
      total += (this.successes[i] as number) + (this.failures[i] as number);
      failed += this.failures[i] as number;
    }
    if (
      total >= this.settings.minimumRequests &&
      failed * 100 >= total * this.settings.failureRatePercent
    ) {
      this.trip();
    }
  }

  /** A probe ended without a verdict: lets another one through. */
  release(): void {
    if (this.stateNow === 'half-open' && this.probesAdmitted > 0) this.probesAdmitted--;
  }

  /** Milliseconds until an open breaker lets probes through (for Retry-After). */
  retryAfterMs(): number {
    return Math.max(0, this.openUntil - this.now());
  }

  private trip(): void {
    this.stateNow = 'open';
    this.openUntil = this.now() + this.settings.openMs;
  }

  private reset(): void {
    this.stateNow = 'closed';
    this.successes.fill(0);
    this.failures.fill(0);
    this.bucketStart.fill(0);
  }
}
