import type { Cluster, Redis } from 'ioredis';
import { groupBySlot } from './key-slot.js';
import { LIMITER_CHARGE_BATCH_COMMAND, LIMITER_CHARGE_BATCH_LUA } from './limiter-charge-script.js';
import { LIMITER_REFUND_BATCH_COMMAND, LIMITER_REFUND_BATCH_LUA } from './limiter-refund-script.js';
import { LIMITER_BATCH_COMMAND, LIMITER_BATCH_LUA } from './limiter-script.js';
import { itemAt, refundArgs } from './limiter-script-calls.js';
import type { Refund } from './subject-keys.js';

/**
 * The commands `defineCommand` adds to the caller's connection. Each takes numkeys first, then
 * keys and arguments as one flat array (ioredis flattens it).
 */
interface LimiterCommands {
  [LIMITER_BATCH_COMMAND](args: Array<string | number>): Promise<unknown>;
  [LIMITER_REFUND_BATCH_COMMAND](args: Array<string | number>): Promise<unknown>;
  [LIMITER_CHARGE_BATCH_COMMAND](args: Array<string | number>): Promise<unknown>;
}

export type LimiterCommand = keyof LimiterCommands;
export type LimiterConnection = (Redis | Cluster) & LimiterCommands;

const SCRIPTS: ReadonlyArray<readonly [LimiterCommand, string]> = [
  [LIMITER_BATCH_COMMAND, LIMITER_BATCH_LUA],
  [LIMITER_REFUND_BATCH_COMMAND, LIMITER_REFUND_BATCH_LUA],
  [LIMITER_CHARGE_BATCH_COMMAND, LIMITER_CHARGE_BATCH_LUA],
];

function installCommands(redis: Redis | Cluster): LimiterConnection {
  const candidate = redis as (Redis | Cluster) & Partial<LimiterCommands>;
  // Several limiters may share one connection; the scripts only need defining once. Without
  // numberOfKeys, ioredis takes numkeys as the first argument, which a batch needs.
  for (const [command, lua] of SCRIPTS) {
    if (typeof candidate[command] !== 'function') redis.defineCommand(command, { lua });
  }
  return redis as LimiterConnection;
}

/** Told when the first connection is made, or fails before it ever was. */
export interface FirstConnectionListener {
  firstConnectionReady(): void;
  firstConnectionLost(): void;
}

/**
 * The limiter's Redis connection (the caller's, with the limiter scripts defined on it): whether
 * it can be used now, the script calls, and the split of a call into one per hash slot on a
 * cluster. Sending never throws; failures come back through the returned promise.
 */
export class LimiterTransport {
  /** Null: no Redis at all, every check is decided by its failure policy. */
  readonly redis: LimiterConnection | null;
  readonly cluster: boolean;
  readonly #maxBatchSize: number;
  readonly #injectedNow: (() => number) | undefined;
  /**
   * The connection has been ready at least once. Before that (a gateway that just started) a
   * check waits for the first connection, up to the ceiling, instead of being decided without
   * Redis: a cold burst must be counted in Redis like any other. Afterwards, a connection that is
   * not ready is known lost and checks are decided at once.
   */
  #everReady = false;
  /** `close()` was called: no new check goes to Redis. */
  closed = false;

  constructor(
    redis: Redis | Cluster | null,
    options: { cluster: boolean; maxBatchSize: number; injectedNow: (() => number) | undefined },
  ) {
    this.redis = redis === null ? null : installCommands(redis);
    this.cluster = options.cluster || this.redis?.isCluster === true;
    this.#maxBatchSize = options.maxBatchSize;
    this.#injectedNow = options.injectedNow;
  }

  /**
   * Starts watching the connection, to be called once the other parts are built: `listener`
   * hears of the first connection, and a lazyConnect client is told to connect.
   */
  connect(listener: FirstConnectionListener): void {
    const redis = this.redis;
    this.#everReady = redis?.status === 'ready';
    if (redis === null) return;
    if (!this.#everReady) {
      redis.once('ready', () => {
        this.#everReady = true;
        listener.firstConnectionReady();
      });
      // A first connection that fails: the waiting checks are decided now, not at the ceiling.
      redis.on('close', () => {
        if (!this.#everReady) listener.firstConnectionLost();
      });
    }
    if (redis.status === 'wait') {
      // A lazyConnect client only connects on its first command, which the limiter never sends
      // while the client is not ready.
      redis.connect().catch(() => {
        // Connection errors surface as status changes; checks fall back until it is ready.
      });
    }
  }

  /** Connected now (whether or not the limiter is closing). */
  get ready(): boolean {
    return this.redis !== null && this.redis.status === 'ready';
  }

  /** Still making the first connection: checks wait for it (up to the ceiling). */
  get connectingFirstTime(): boolean {
    if (this.#everReady || this.redis === null) return false;
    const status = this.redis.status;
    return status === 'wait' || status === 'connecting' || status === 'connect';
  }

  /** A new check may be sent: open, and connected or still making the first connection. */
  get acceptsChecks(): boolean {
    return !this.closed && this.redis !== null && (this.ready || this.connectingFirstTime);
  }

  /** ARGV[1] of every script: the injected clock's whole ms, or '' for Redis TIME. */
  nowArg(): string {
    return this.#injectedNow === undefined ? '' : String(Math.floor(this.#injectedNow()));
  }

  /** One script call on `conn`; a call that cannot even be made comes back as a rejection. */
  call(
    conn: LimiterConnection,
    command: LimiterCommand,
    args: Array<string | number>,
  ): Promise<unknown> {
    try {
      return conn[command](args);
    } catch {
      // ioredis reports failures through the promise; this keeps "never throws".
      return Promise.reject(new Error(`limiter command ${command} could not be sent`));
    }
  }

  /**
   * Hands `items` to `send` in parts of at most `maxBatchSize`, each part within one hash slot
   * on a cluster (where a call may only touch one).
   */
  inSlotParts<T>(
    items: readonly T[],
    slotOf: (item: T) => number,
    send: (part: readonly T[]) => void,
  ): void {
    const sendGroup = (group: readonly T[]) => {
      for (let from = 0; from < group.length; from += this.#maxBatchSize) {
        send(group.slice(from, from + this.#maxBatchSize));
      }
    };
    if (!this.cluster || items.length === 1) sendGroup(items);
    else {
      const slots = items.map(slotOf);
      for (const group of groupBySlot(slots, slots.length))
        sendGroup(group.map((i) => itemAt(items, i)));
    }
  }

  /**
   * Gives back admissions Redis counted that no request will use: checks already decided without
   * Redis, and leases' leftovers. Best effort: a refund that cannot reach Redis leaves those
   * admissions counted. Sent whatever the connection's status: a caller with nothing to give
   * back, or no connection to give it back on, does not call.
   */
  sendRefunds(refunds: readonly Refund[]): Promise<void> {
    const conn = this.redis;
    if (conn === null) return Promise.resolve();
    const nowArg = this.nowArg();
    const calls: Promise<unknown>[] = [];
    this.inSlotParts(
      refunds,
      (r) => r.keys.slot,
      (part) => calls.push(this.call(conn, LIMITER_REFUND_BATCH_COMMAND, refundArgs(part, nowArg))),
    );
    return Promise.all(calls).then(
      () => undefined,
      () => undefined,
    );
  }
}
