/**
 * The limiter's view of whether Redis is down, judged from the connection and never from one
 * slow reply: a call that errors, or one that goes unanswered for the whole hard ceiling
 * (`maxWaitMs`), is a failure; any answered call is a success. After `threshold` consecutive
 * failures the circuit opens and checks skip Redis for `cooldownMs`; then one more call is let
 * through (half-open), and a failure of that call opens the circuit again at once.
 *
 * Measured on the monotonic clock (`performance.now()`), never on a test's injected clock.
 */
export class RedisBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  #consecutiveFailures = 0;
  #openUntil = 0;
  /** Times the circuit opened, for `portico_limiter_circuit_opened_total`. */
  opened = 0;

  constructor(threshold: number, cooldownMs: number) {
    this.#threshold = threshold;
    this.#cooldownMs = cooldownMs;
  }

  /** One failed call (however many checks it carried). */
  failed(): void {
    this.#consecutiveFailures += 1;
    if (this.#consecutiveFailures >= this.#threshold) {
      this.#openUntil = performance.now() + this.#cooldownMs;
      this.opened += 1;
      // Half-open after the cooldown: one more failure reopens at once.
      this.#consecutiveFailures = this.#threshold - 1;
    }
  }

  /** An answered call: Redis is there, however long it took. */
  succeeded(): void {
    this.#consecutiveFailures = 0;
  }

  /** False unless the circuit opened and has not been found past its cooldown: no clock read. */
  get mayBeOpen(): boolean {
    return this.#openUntil !== 0;
  }

  /** True while checks should skip Redis; false once the cooldown has passed (half-open). */
  isOpen(now: number): boolean {
    if (this.#openUntil === 0) return false;
    if (now < this.#openUntil) return true;
    this.#openUntil = 0;
    return false;
  }

  /** 1 while the circuit is open, else 0: the `portico_limiter_circuit_open` gauge. */
  openGauge(now: number): number {
    return this.#openUntil !== 0 && now < this.#openUntil ? 1 : 0;
  }
}
