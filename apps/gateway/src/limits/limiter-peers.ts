import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * Every limiter process (each gateway worker) announces itself in one sorted set every
 * `intervalMs` and reads how many did within the last three intervals. While Redis is
 * unavailable, a fail-open subject's local allowance is what it had left at its last Redis answer
 * divided by this count, so the processes together admit no more than what was left.
 *
 * The set's key carries its own hash tag (one Redis Cluster slot). One MULTI per heartbeat;
 * members are scored by this host's clock, so skew between hosts only stretches or shrinks the
 * three-interval window by that much.
 */
export class LivePeers {
  /** Limiter processes seen live at the last heartbeat, this one included; 1 until known. */
  count = 1;
  /** The restore marker (limiterEpochKey) was present at some heartbeat of this process. */
  markerSeen = false;
  readonly #redis: Redis | Cluster;
  readonly #key: string;
  readonly #markerKey: string;
  readonly #id = `${process.pid}-${randomBytes(6).toString('hex')}`;
  readonly #intervalMs: number;
  readonly #onAnswer: () => void;
  readonly #onMarkerSeen: (() => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `onAnswer` runs after each heartbeat Redis answered: Redis is reachable again. */
  constructor(
    redis: Redis | Cluster,
    keyPrefix: string,
    options: {
      intervalMs: number;
      markerKey: string;
      onAnswer: () => void;
      onMarkerSeen?: (() => void) | undefined;
    },
  ) {
    this.#redis = redis;
    this.#key = `{${keyPrefix}}:limiter-processes`;
    this.#markerKey = options.markerKey;
    this.#intervalMs = options.intervalMs;
    this.#onAnswer = options.onAnswer;
    this.#onMarkerSeen = options.onMarkerSeen;
  }

  start(): void {
    this.#beat();
    this.#timer = setInterval(() => this.#beat(), this.#intervalMs);
    this.#timer.unref();
  }

  #beat(): void {
    if (this.#redis.status !== 'ready') return;
    const now = Date.now();
    const windowMs = 3 * this.#intervalMs;
    this.#redis
      .multi()
      .zadd(this.#key, now, this.#id)
      .zremrangebyscore(this.#key, '-inf', now - windowMs)
      .pexpire(this.#key, windowMs)
      .zcard(this.#key)
      .exists(this.#markerKey)
      .exec()
      .then((results) => {
        const count = results?.[3]?.[1];
        if (typeof count === 'number' && count >= 1) this.count = count;
        if (results?.[4]?.[1] === 1 && !this.markerSeen) {
          this.markerSeen = true;
          this.#onMarkerSeen?.();
        }
        this.#onAnswer();
      })
      .catch(() => {
        // Unreachable: keep the last count; the limiter decides without Redis meanwhile.
      });
  }

  /** Stops announcing and leaves the set, so the others' share grows at once. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#redis.status !== 'ready') return;
    await this.#redis.zrem(this.#key, this.#id).catch(() => undefined);
  }
}
