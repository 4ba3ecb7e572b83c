/** Retries always allowed per second whatever the traffic, so a quiet service can still retry. */
const FLOOR_PER_SECOND = 3;
/** The most retries saved up from earlier requests. */
const MAX_SAVED = 100;

/**
 * Token bucket bounding retries to `percent` of recent requests plus a small floor: each request
 * deposits percent/100 of a token, each retry withdraws one. During an outage every first
 * attempt fails, yet retries add at most `percent`% load (plus the floor), never a multiple.
 */
export class RetryBudget {
  private tokens = 0;
  private floorTokens = FLOOR_PER_SECOND;
  private floorRefilledAt: number;

  constructor(
    private readonly percent: number,
    private readonly now: () => number = Date.now,
  ) {
    this.floorRefilledAt = now();
  }

  deposit(): void {
    const next = this.tokens + this.percent / 100;
    this.tokens = Math.min(next, MAX_SAVED);
  }

  tryWithdraw(): boolean {
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    const now = this.now();
    const elapsed = now - this.floorRefilledAt;
    if (elapsed > 0) {
      this.floorTokens = Math.min(
        FLOOR_PER_SECOND,
        this.floorTokens + (elapsed * FLOOR_PER_SECOND) / 1000,
      );
      this.floorRefilledAt = now;
    }
    if (this.floorTokens >= 1) {
      this.floorTokens -= 1;
      return true;
    }
    return false;
  }
}
