import { CHANGES_CHANNEL } from '@portico/api';
import pg from 'pg';

/**
 * What changed: 'config' (a version was published), 'credentials' (the credential log grew), or
 * 'resync' (the feed reconnected and may have missed notifications: waiters must re-check).
 */
export type ChangeEvent = 'config' | 'credentials' | 'resync';
export type ChangeListener = (event: ChangeEvent) => void;

/** Fans Postgres change notifications out to the long-polls waiting in this process. */
export interface ChangeFeed {
  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: ChangeListener): () => void;
  /** Resolves once the first LISTEN is in place (tests wait for it before publishing). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** Delay before the first reconnect attempt; doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * One dedicated `pg` connection per control replica LISTENs on `portico_changes`, however many
 * gateways wait. It reconnects with capped back-off after any connection loss, and tells every
 * listener 'resync' once it is back, since notifications sent while it was away are lost.
 */
export function createChangeFeed(databaseUrl: string, options: ChangeFeedOptions = {}): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  const baseDelay = options.reconnectDelayMs ?? 250;
  const maxDelay = options.maxReconnectDelayMs ?? 10_000;
  let client: pg.Client | null = null;
  let closed = false;
  let delay = baseDelay;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let everConnected = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const emit = (event: ChangeEvent) => {
    for (const listener of [...listeners]) listener(event);
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, maxDelay);
  };

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: databaseUrl });
    client = next;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      options.onError?.(error);
      if (client === next) client = null;
      next.removeAllListeners('notification');
      next.end().catch(() => {});
      scheduleReconnect();
    };
    next.on('error', fail);
    next.on('end', () => fail(new Error('change feed connection ended')));
    next.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL) return;
      emit(message.payload === 'config' ? 'config' : 'credentials');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      fail(error);
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    delay = baseDelay;
    if (everConnected) emit('resync');
    everConnected = true;
    markReady();
  };

  void connect();

  return {
    ready,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      listeners.clear();
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners('end');
        current.removeAllListeners('error');
        current.on('error', () => {});
        await current.end().catch(() => {});
      }
    },
  };
}
