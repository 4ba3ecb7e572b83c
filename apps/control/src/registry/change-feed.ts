import { duplicateRedis, type RedisClient } from '@portico/config/redis';

type Waiter = (index: number) => void;

/**
 * Fans Redis pub/sub change announcements out to the blocking queries waiting in this process.
 * One subscriber connection per control replica, however many watchers; a change made through
 * any replica (or found by any replica's sweeper) reaches watchers on all of them.
 */
export class ChangeFeed {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private subscriber: RedisClient | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly channel: string,
  ) {}

  /**
   * Starts listening without waiting for Redis: a control plane must boot (and answer 503 on
   * the registry) while Redis is down. The subscriber queues its SUBSCRIBE until it connects
   * and renews it after every reconnect.
   */
  start(): void {
    const subscriber = duplicateRedis(this.redis, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      lazyConnect: false,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => {
      const space = message.lastIndexOf(' ');
      const service = message.slice(0, space);
      const index = Number(message.slice(space + 1));
      const set = this.waiters.get(service);
      if (!set) return;
      for (const waiter of [...set]) waiter(index);
    });
    // A dropped subscriber must not crash the process; ioredis reconnects and resubscribes.
    subscriber.on('error', () => {});
    // Announcements sent while the subscriber was reconnecting are lost: answer every parked
    // query so its client re-reads (and re-parks) instead of sleeping through a change.
    subscriber.on('ready', () => this.releaseAll());
    subscriber.subscribe(this.channel).catch(() => {
      // Only fails once the subscriber is closed; reconnects resubscribe on their own.
    });
  }

  /**
   * Resolves with the new index once `service` changes past `afterIndex`, or with null when
   * `waitMs` passes or `signal` aborts (the client went away).
   */
  waitForChange(
    service: string,
    afterIndex: number,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<number | null> {
    return new Promise((resolve) => {
      let set = this.waiters.get(service);
      if (!set) {
        set = new Set();
        this.waiters.set(service, set);
      }
      const done = (value: number | null) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(service) === set) this.waiters.delete(service);
        resolve(value);
      };
      const waiter: Waiter = (index) => {
        if (index !== afterIndex) done(index);
      };
      const onAbort = () => done(null);
      const timer = setTimeout(() => done(null), waitMs);
      set.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Answers every parked query now (with "no change"), so a closing server is not held open. */
  releaseAll(): void {
    for (const set of [...this.waiters.values()]) {
      for (const waiter of [...set]) waiter(Number.NaN);
    }
  }

  async stop(): Promise<void> {
    this.releaseAll();
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) subscriber.disconnect();
  }
}
