/**
 * Signatures seen recently, each remembered until the end of its validity window, so the same
 * signed request presented twice is refused the second time. One guard per gateway process:
 * replicas behind a load balancer do not share it (see docs/authentication.md).
 *
 * Bounded: past `maxEntries` the oldest remembered signature is forgotten first. Entries are
 * inserted in arrival order and most APIs use one window, so the oldest is also the one that
 * expires first; expired entries at the head are dropped as new ones arrive.
 */
export class ReplayGuard {
  readonly #until = new Map<string, number>();
  /** Entries dropped while still inside their window (the guard was full). */
  evictedEarly = 0;
  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.#until.size;
  }

  /** Records `key` as used until `untilMs`; false when it was already used and still valid. */
  firstUse(key: string, untilMs: number, nowMs: number): boolean {
    const seen = this.#until.get(key);
    if (seen !== undefined && seen > nowMs) return false;
    if (seen !== undefined) this.#until.delete(key);
    this.#sweep(nowMs);
    this.#until.set(key, untilMs);
    return true;
  }

  #sweep(nowMs: number): void {
    // A few expired entries at the head per insertion keeps the sweep's cost flat.
    for (let i = 0; i < 4; i++) {
      const head = this.#until.entries().next();
      if (head.done === true) return;
      const [key, until] = head.value;
      if (until > nowMs && this.#until.size < this.maxEntries) return;
      if (until > nowMs) this.evictedEarly++;
      this.#until.delete(key);
    }
  }
}
