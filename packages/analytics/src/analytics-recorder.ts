import { newId } from '@portico/id';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { anonymiseIp } from './anonymise-ip';
import { encodeBatch } from './batch-codec';
import { EventRingBuffer } from './event-ring-buffer';
import {
  ANALYTICS_BATCH_JOB_NAME,
  ANALYTICS_QUEUE_NAME,
  DEFAULT_QUEUE_PREFIX,
} from './queue-names';
import type { RequestEvent } from './request-event';
import { recordedEventProblem } from './request-event-check';

/** What the gateway hands over per request; the recorder stamps its own node id. */
export type RecordedRequest = Omit<RequestEvent, 'nodeId'> & { nodeId?: string };

/** pino-compatible subset, so the gateway can pass `app.log` as it is. */
export interface AnalyticsLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface AnalyticsRecorderOptions {
  /** ioredis options or a redis:// URL; null disables analytics (events are discarded, counted). */
  connection: RedisOptions | string | null;
  queueName?: string;
  /** BullMQ key prefix; must match the worker's. */
  prefix?: string;
  nodeId: string;
  /** Events held in memory at most, waiting or being sent; past it the oldest are dropped. */
  maxBufferedEvents?: number;
  batchMaxEvents?: number;
  flushIntervalMs?: number;
  anonymiseIp?: boolean;
  logger?: AnalyticsLogger;
}

export interface AnalyticsRecorderStats {
  /** Events handed to record(). */
  recorded: number;
  /** Events discarded: buffer overflow, malformed, recorder closed, or analytics disabled. */
  dropped: number;
  /** Of those, events that failed the ZRequestEvent schema (optional so test doubles may omit it). */
  invalid?: number;
  /** Events in a batch Redis acknowledged. */
  sent: number;
  batchesSent: number;
  /** Failed attempts to add a batch (each is retried with back-off). */
  sendFailures: number;
  /** Events held now (waiting plus the batch being sent). */
  buffered: number;
  redisReady: boolean;
}

export interface AnalyticsRecorder {
  /** Buffers one event. Never waits, never throws, O(1). */
  record(event: RecordedRequest): void;
  /** Sends everything buffered, resolving when done or after `timeoutMs` (whatever is left stays counted as buffered). */
  flush(timeoutMs: number): Promise<void>;
  /** Flushes (up to `timeoutMs`, default 5 s), then releases timers and the Redis connection. */
  close(timeoutMs?: number): Promise<void>;
  stats(): AnalyticsRecorderStats;
  /** Prometheus text exposition of the recorder's counters and gauges. */
  metricsText(): string;
}

interface PendingBatch {
  id: string;
  events: RecordedRequest[];
  attempts: number;
  /** Client addresses already anonymised (a retried batch must not be processed twice). */
  anonymised?: boolean;
}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;
/** A single add that takes longer than this is treated as failed and retried under the same job id. */
const ADD_TIMEOUT_MS = 10_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/**
 * Gateway-side analytics: buffers events in a bounded ring and ships them to Redis as one BullMQ
 * job per batch (job id = batch id, so a retried add can never enqueue the batch twice).
 *
 * One batch is in flight at a time and is immutable once cut: when Redis is down it is retried
 * with back-off under the same id while new events queue behind it in the ring. When the ring is
 * full the oldest waiting event is dropped and counted.
 */
export function createAnalyticsRecorder(options: AnalyticsRecorderOptions): AnalyticsRecorder {
  const maxBuffered = options.maxBufferedEvents ?? 100_000;
  const batchMax = options.batchMaxEvents ?? 1_000;
  const flushIntervalMs = options.flushIntervalMs ?? 1_000;
  if (!Number.isInteger(batchMax) || batchMax < 1)
    throw new RangeError('batchMaxEvents must be a positive integer');
  if (!Number.isInteger(maxBuffered) || maxBuffered < batchMax) {
    throw new RangeError('maxBufferedEvents must be an integer of at least batchMaxEvents');
  }
  if (!(flushIntervalMs > 0)) throw new RangeError('flushIntervalMs must be positive');
  const logger = options.logger ?? consoleLogger;
  const nodeId = options.nodeId;
  // Checked once here rather than on every event: every batch of this recorder carries it.
  if (nodeId.length < 1 || nodeId.length > 64)
    throw new RangeError('nodeId must be 1 to 64 characters');
  const anonymise = options.anonymiseIp ?? false;

  if (options.connection === null) {
    logger.info({}, 'analytics disabled: no Redis configured, request events are discarded');
    return disabledRecorder();
  }

  const counters = {
    recorded: 0,
    dropped: 0,
    invalid: 0,
    sent: 0,
    batchesSent: 0,
    sendFailures: 0,
  };
  const ring = new EventRingBuffer<RecordedRequest>(maxBuffered);
  let pending: PendingBatch | null = null;
  let inFlight: Promise<void> | null = null;
  let retryAt = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let pumpScheduled = false;
  let closed = false;
  let lastErrorLogAt = 0;
  // Set while flush() runs, so every remaining event goes out regardless of batch size.
  let retryDrainAll = false;

  const redis = buildProducerConnection(options.connection);
  redis.on('error', (err: Error) => logSendError(err));
  // A batch that failed while Redis was away waits out its back-off; once the connection is
  // back there is nothing left to wait for, so the backlog goes out at once.
  redis.on('ready', () => {
    if (closed || pending === null || inFlight !== null) return;
    retryAt = 0;
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    pump(true);
  });
  const queue = new Queue(options.queueName ?? ANALYTICS_QUEUE_NAME, {
    connection: redis,
    prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
  });
  queue.on('error', (err: Error) => logSendError(err));

  function logSendError(err: unknown): void {
    // Redis being down produces an error per reconnect attempt; one line per 10 s is enough.
    const now = Date.now();
    if (now - lastErrorLogAt < 10_000) return;
    lastErrorLogAt = now;
    logger.warn(
      { err: err instanceof Error ? err.message : String(err), buffered: bufferedCount() },
      'analytics: cannot reach Redis, events wait in the bounded buffer',
    );
  }

  /**
   * Checks events when a batch is cut (off the request path): one malformed event would make
   * the worker refuse its whole batch, so it is dropped and counted here instead.
   */
  function validEvents(events: RecordedRequest[]): RecordedRequest[] {
    const valid = events.filter((event) => recordedEventProblem(event) === null);
    const invalid = events.length - valid.length;
    if (invalid > 0) {
      counters.dropped += invalid;
      counters.invalid += invalid;
      logger.error({ invalid }, 'analytics: dropped malformed request events (a gateway bug)');
    }
    return valid;
  }

  function bufferedCount(): number {
    return ring.size + (pending?.events.length ?? 0);
  }

  const interval = setInterval(() => pump(true), flushIntervalMs);
  interval.unref();

  function record(event: RecordedRequest): void {
    counters.recorded++;
    if (closed) {
      counters.dropped++;
      return;
    }
    if (bufferedCount() >= maxBuffered) {
      // The batch being sent is immutable; make room by dropping the oldest waiting event, or
      // this one when nothing is waiting (only possible when maxBuffered equals batchMax).
      if (!ring.dropOldest()) {
        counters.dropped++;
        return;
      }
      counters.dropped++;
    }
    ring.push(event);
    if (ring.size >= batchMax && !pumpScheduled && inFlight === null) {
      pumpScheduled = true;
      setImmediate(() => {
        pumpScheduled = false;
        pump(false);
      });
    }
  }

  /** Cuts a batch when one is due and starts sending it unless a send or a back-off is pending. */
  function pump(intervalDue: boolean): void {
    if (inFlight !== null) return;
    if (pending === null) {
      if (ring.size === 0) return;
      if (!intervalDue && ring.size < batchMax) return;
      const events = validEvents(ring.take(batchMax));
      if (events.length === 0) return;
      pending = { id: newId('batch'), events, attempts: 0 };
    }
    const waitMs = retryAt - Date.now();
    if (waitMs > 0) {
      if (retryTimer === null) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          pump(true);
        }, waitMs);
        retryTimer.unref();
      }
      return;
    }
    const batch = pending;
    inFlight = send(batch).then(
      () => {
        counters.sent += batch.events.length;
        counters.batchesSent++;
        pending = null;
        retryAt = 0;
        inFlight = null;
        // Drain a backlog without waiting for the next tick.
        if (ring.size >= batchMax || (ring.size > 0 && retryDrainAll))
          setImmediate(() => pump(retryDrainAll));
      },
      (err: unknown) => {
        counters.sendFailures++;
        batch.attempts++;
        retryAt = Date.now() + backoffMs(batch.attempts);
        inFlight = null;
        logSendError(err);
        pump(true);
      },
    );
  }

  async function send(batch: PendingBatch): Promise<void> {
    if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
    // The recorder owns recorded events: anonymising in place spares a copy of every event.
    if (anonymise && !batch.anonymised) {
      for (const event of batch.events)
        if (event.clientIp !== null) event.clientIp = anonymiseIp(event.clientIp);
      batch.anonymised = true;
    }
    const payload = encodeBatch(batch.id, nodeId, batch.events);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('adding the batch timed out')), ADD_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        queue.add(ANALYTICS_BATCH_JOB_NAME, payload, {
          jobId: batch.id,
          // Processing retries (e.g. Postgres briefly away) are safe: the worker is idempotent per batch.
          attempts: 8,
          backoff: { type: 'exponential', delay: 1_000 },
          removeOnComplete: { age: 3_600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3_600 },
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    retryDrainAll = true;
    try {
      while (bufferedCount() > 0 && Date.now() < deadline) {
        pump(true);
        const remaining = deadline - Date.now();
        await settledOrTimeout(
          inFlight,
          Math.max(1, inFlight ? remaining : Math.min(retryAt - Date.now(), remaining, 250)),
        );
      }
    } finally {
      retryDrainAll = false;
    }
    if (bufferedCount() > 0) {
      logger.warn(
        { buffered: bufferedCount() },
        'analytics: flush timed out with events still buffered',
      );
    }
  }

  async function close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    if (closed) return;
    await flush(timeoutMs);
    closed = true;
    clearInterval(interval);
    if (retryTimer) clearTimeout(retryTimer);
    // What could not be sent in time is lost now: count it so the loss is never silent.
    counters.dropped += bufferedCount();
    ring.take(ring.size);
    pending = null;
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }

  function stats(): AnalyticsRecorderStats {
    return { ...counters, buffered: bufferedCount(), redisReady: redis.status === 'ready' };
  }

  return { record, flush, close, stats, metricsText: () => formatMetrics(stats()) };
}

/** A recorder that keeps nothing: for gateways without analytics and for tests. */
export function noopAnalyticsRecorder(): AnalyticsRecorder {
  return disabledRecorder();
}

function disabledRecorder(): AnalyticsRecorder {
  const counters = { recorded: 0, dropped: 0 };
  const stats = (): AnalyticsRecorderStats => ({
    ...counters,
    invalid: 0,
    sent: 0,
    batchesSent: 0,
    sendFailures: 0,
    buffered: 0,
    redisReady: false,
  });
  return {
    record() {
      counters.recorded++;
      counters.dropped++;
    },
    flush: async () => undefined,
    close: async () => undefined,
    stats,
    metricsText: () => formatMetrics(stats()),
  };
}

function buildProducerConnection(connection: RedisOptions | string): Redis {
  // No offline queue: a command on a dead connection fails at once instead of piling up in
  // memory behind the request path; the recorder's own bounded buffer does the waiting.
  const overrides: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5_000),
  };
  return typeof connection === 'string'
    ? new Redis(connection, overrides)
    : new Redis({ ...connection, ...overrides });
}

function backoffMs(attempts: number): number {
  const base = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
  // Jitter spreads the retries of many gateways after a shared Redis outage.
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * Resolves when `promise` settles or after `ms`, whichever is first, and then clears its timer:
 * a timer left behind would keep the process alive for up to a whole flush timeout after close.
 */
function settledOrTimeout(promise: Promise<void> | null, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise?.then(done, done);
  });
}

function formatMetrics(s: AnalyticsRecorderStats): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  };
  metric('portico_analytics_events_total', 'counter', 'Request events recorded.', s.recorded);
  metric(
    'portico_analytics_dropped_total',
    'counter',
    'Request events discarded (buffer full, shutdown, or analytics disabled).',
    s.dropped,
  );
  metric(
    'portico_analytics_events_sent_total',
    'counter',
    'Request events delivered to Redis.',
    s.sent,
  );
  metric(
    'portico_analytics_batches_sent_total',
    'counter',
    'Batches delivered to Redis.',
    s.batchesSent,
  );
  metric(
    'portico_analytics_send_failures_total',
    'counter',
    'Failed attempts to deliver a batch (each is retried).',
    s.sendFailures,
  );
  metric(
    'portico_analytics_buffered_events',
    'gauge',
    'Request events waiting in memory.',
    s.buffered,
  );
  return `${lines.join('\n')}\n`;
}

const consoleLogger: AnalyticsLogger = {
  info: (details, message) => console.info(message, details),
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};
