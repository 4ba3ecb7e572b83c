import {
  connectRedis,
  type RedisClient,
  type RedisConnectionSettings,
} from '@portico/config/redis';
import { newId } from '@portico/id';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { encodeAggregateBatch, type KeptRow } from './aggregate-batch-codec';
import { anonymiseIp } from './anonymise-ip';
import { EventRingBuffer } from './event-ring-buffer';
import {
  ANALYTICS_AGGREGATE_BATCH_JOB_NAME,
  analyticsQueueName,
  DEFAULT_QUEUE_PREFIX,
} from './queue-names';
import { readQueuePressure } from './queue-pressure';
import { isErrorStatus, type RequestEvent } from './request-event';
import { recordedEventProblem } from './request-event-check';
import { SuccessSampler } from './success-sampler';
import { type UsageAggregate, UsageAggregator } from './usage-aggregate';

/** What the gateway hands over per request; the recorder stamps its own node id. */
export type RecordedRequest = Omit<RequestEvent, 'nodeId'> & { nodeId?: string };

/** pino-compatible subset, so the gateway can pass `app.log` as it is. */
export interface AnalyticsLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface AnalyticsRecorderOptions {
  /**
   * ioredis options, a redis:// URL, or the deployment's connection settings (a Redis Cluster
   * too); null disables analytics (events are discarded, counted).
   */
  connection: RedisConnectionSettings | RedisOptions | string | null;
  queueName?: string;
  /** BullMQ key prefix; must match the worker's. */
  prefix?: string;
  nodeId: string;
  /** Raw request-log rows held in memory at most, waiting or being sent; past it the oldest are dropped. */
  maxBufferedEvents?: number;
  /** Raw rows per batch at most. */
  batchMaxEvents?: number;
  flushIntervalMs?: number;
  anonymiseIp?: boolean;
  /** Successful requests logged raw per API and second (errors are always logged); 0 logs none. */
  logSuccessesPerSecond?: number;
  /** Rollup series (minute × dimensions) held in memory at most; requests past it are dropped, counted. */
  maxSeries?: number;
  /** Analytics jobs waiting in Redis past which the recorder holds its aggregates and sheds raw rows. */
  maxQueueBacklog?: number;
  /** Fraction of Redis `maxmemory` past which the recorder sheds likewise (0 < ratio <= 1). */
  redisMemoryShedRatio?: number;
  logger?: AnalyticsLogger;
}

export interface AnalyticsRecorderStats {
  /** Events handed to record(). */
  recorded: number;
  /** Requests not counted: series bound, malformed, recorder closed, or analytics disabled. */
  dropped: number;
  /** Of those, events that failed the ZRequestEvent schema (optional so test doubles may omit it). */
  invalid?: number;
  /** Requests counted in a batch Redis acknowledged. */
  sent: number;
  batchesSent: number;
  /** Failed attempts to add a batch (each is retried with back-off). */
  sendFailures: number;
  /** Requests counted in memory, not yet acknowledged by Redis. */
  buffered: number;
  redisReady: boolean;
  /** Raw request-log rows kept (errors and sampled successes). */
  rowsKept?: number;
  /** Raw rows discarded before reaching Redis: row buffer full, or shed under backpressure. */
  rowsDropped?: number;
  /** Raw rows held now. */
  rowsBuffered?: number;
  /** Analytics jobs waiting in Redis when last looked at (-1 before the first look). */
  queueBacklog?: number;
  /** True while the backlog or Redis memory is past its bound and the recorder holds back. */
  shedding?: boolean;
  /** Raw rows shed because of backpressure (also counted in rowsDropped). */
  rowsShed?: number;
}

export interface AnalyticsRecorder {
  /** Counts one request (and keeps its raw row when due). Never waits, never throws, O(1). */
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
  aggregate: UsageAggregate;
  rows: KeptRow[];
  attempts: number;
  /** Client addresses already anonymised (a retried batch must not be processed twice). */
  anonymised?: boolean;
}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;
/** A single add that takes longer than this is treated as failed and retried under the same job id. */
const ADD_TIMEOUT_MS = 10_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
/** Requests recorded but not yet folded at most; past it record() folds at once. */
const MAX_UNFOLDED = 4_096;
/** How long one look at the queue's backlog and Redis memory may take before it counts as failed. */
const PRESSURE_TIMEOUT_MS = 2_000;

/**
 * Gateway-side analytics, aggregated at the edge: every request is folded into per-minute rollup
 * cells in memory (exact counts, bytes, latency histogram), and only errors plus a per-API,
 * per-second sample of successes keep a raw row for the request explorer. Each flush ships one
 * BullMQ job (job id = batch id, so a retried add never enqueues it twice) carrying the cells and
 * rows, so the queue and the worker see work in proportion to active series, not traffic.
 *
 * One batch is in flight at a time and is immutable once cut: when Redis is down it is retried
 * under the same id while new requests fold into the next aggregate (bounded by `maxSeries`) and
 * new rows wait in a bounded ring (oldest dropped, counted). When the analytics queue's backlog or
 * Redis memory passes its bound, the recorder stops adding jobs, keeps counting in memory and sheds
 * raw rows (counted), so a worker that falls behind cannot fill the Redis the limiter needs.
 */
export function createAnalyticsRecorder(options: AnalyticsRecorderOptions): AnalyticsRecorder {
  const maxBuffered = options.maxBufferedEvents ?? 100_000;
  const batchMax = options.batchMaxEvents ?? 1_000;
  const flushIntervalMs = options.flushIntervalMs ?? 1_000;
  const maxSeries = options.maxSeries ?? 50_000;
  const maxBacklog = options.maxQueueBacklog ?? 10_000;
  const memoryRatio = options.redisMemoryShedRatio ?? 0.8;
  if (!Number.isInteger(batchMax) || batchMax < 1)
    throw new RangeError('batchMaxEvents must be a positive integer');
  if (!Number.isInteger(maxBuffered) || maxBuffered < batchMax) {
    throw new RangeError('maxBufferedEvents must be an integer of at least batchMaxEvents');
  }
  if (!(flushIntervalMs > 0)) throw new RangeError('flushIntervalMs must be positive');
  if (!Number.isInteger(maxSeries) || maxSeries < 1)
    throw new RangeError('maxSeries must be a positive integer');
  if (!Number.isInteger(maxBacklog) || maxBacklog < 1)
    throw new RangeError('maxQueueBacklog must be a positive integer');
  if (!(memoryRatio > 0 && memoryRatio <= 1))
    throw new RangeError('redisMemoryShedRatio must be in (0, 1]');
  const sampler = new SuccessSampler(options.logSuccessesPerSecond ?? 10);
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
    rowsKept: 0,
    rowsDropped: 0,
    rowsShed: 0,
  };
  const aggregator = new UsageAggregator(maxSeries);
  // Requests recorded in this event-loop turn, folded into the cells at its end (two arrays
  // swapped, so folding allocates nothing).
  let unfolded: RecordedRequest[] = [];
  let spare: RecordedRequest[] = [];
  let foldScheduled = false;
  const ring = new EventRingBuffer<KeptRow>(maxBuffered);
  let pending: PendingBatch | null = null;
  let inFlight: Promise<void> | null = null;
  let retryAt = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let pumpScheduled = false;
  let closed = false;
  let lastErrorLogAt = 0;
  // Set while flush() runs, so every remaining event goes out regardless of batch size and backpressure.
  let retryDrainAll = false;
  let queueBacklog = -1;
  let shedding = false;
  let pressureCheck: Promise<void> | null = null;

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
  const queueName = options.queueName ?? analyticsQueueName();
  const queue = new Queue(queueName, {
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

  function bufferedCount(): number {
    return unfolded.length + aggregator.events + (pending?.aggregate.events ?? 0);
  }

  function rowsBuffered(): number {
    return ring.size + (pending?.rows.length ?? 0);
  }

  /** Rows whose other fields are malformed leave the log (their counts are already in). */
  function validRows(rows: KeptRow[]): KeptRow[] {
    const valid = rows.filter((row) => recordedEventProblem(row) === null);
    if (valid.length < rows.length) {
      counters.rowsDropped += rows.length - valid.length;
      logger.error(
        { invalid: rows.length - valid.length },
        'analytics: dropped malformed request-log rows (a gateway bug)',
      );
    }
    return valid;
  }

  /** Looks at the queue's backlog and Redis memory (off the request path, once per interval). */
  function checkPressure(): void {
    if (pressureCheck !== null || redis.status !== 'ready') return;
    // Bounded: a look that Redis never answers (it went away mid-call) must not stop the next ones.
    pressureCheck = withTimeout(readQueuePressure(redis, queue), PRESSURE_TIMEOUT_MS)
      .then(
        (pressure) => {
          queueBacklog = pressure.backlog;
          const memoryHigh =
            pressure.maxMemoryBytes > 0 &&
            pressure.usedMemoryBytes >= pressure.maxMemoryBytes * memoryRatio;
          const next = pressure.backlog >= maxBacklog || memoryHigh;
          if (next !== shedding) {
            logger.warn(
              { backlog: pressure.backlog, maxBacklog, usedMemoryBytes: pressure.usedMemoryBytes },
              next
                ? 'analytics: queue backlog or Redis memory past its bound; holding aggregates in memory and shedding raw rows'
                : 'analytics: backpressure cleared; sending again',
            );
          }
          shedding = next;
        },
        (err: unknown) => logSendError(err),
      )
      .finally(() => {
        pressureCheck = null;
      });
  }

  const interval = setInterval(() => {
    checkPressure();
    pump(true);
  }, flushIntervalMs);
  interval.unref();

  function record(event: RecordedRequest): void {
    counters.recorded++;
    if (closed) {
      counters.dropped++;
      return;
    }
    // Only an append here: folding into the cells walks several maps, which costs far less done
    // for a turn's requests together (warm caches) than spread between requests' own work.
    unfolded.push(event);
    if (unfolded.length >= MAX_UNFOLDED) fold();
    else if (!foldScheduled) {
      foldScheduled = true;
      setImmediate(foldSoon);
    }
  }

  function foldSoon(): void {
    foldScheduled = false;
    fold();
  }

  /** Folds the requests recorded since the last fold into the cells and keeps their rows. */
  function fold(): void {
    const events = unfolded;
    if (events.length === 0) return;
    unfolded = spare;
    spare = events;
    for (let i = 0; i < events.length; i++) {
      // biome-ignore lint/style/noNonNullAssertion: i < events.length
      foldOne(events[i]!);
    }
    events.length = 0;
    if (ring.size >= batchMax && !pumpScheduled && inFlight === null) {
      pumpScheduled = true;
      setImmediate(() => {
        pumpScheduled = false;
        pump(false);
      });
    }
  }

  function foldOne(event: RecordedRequest): void {
    // One malformed event would make the worker refuse its whole batch: drop and count it here.
    // The fields the counts are made of are checked for every request; a kept row in full when cut.
    if (!countable(event)) {
      counters.dropped++;
      counters.invalid++;
      if (counters.invalid === 1 || counters.invalid % 10_000 === 0)
        logger.error(
          { invalid: counters.invalid },
          'analytics: dropped malformed request events (a gateway bug)',
        );
      return;
    }
    if (!aggregator.add(event)) {
      counters.dropped++;
      return;
    }
    const error = isErrorStatus(event.status);
    if (!error && !sampler.keep(event.apiId, event.time)) return;
    counters.rowsKept++;
    if (rowsBuffered() >= maxBuffered) {
      // The batch being sent is immutable; make room by dropping the oldest waiting row, or
      // this one when nothing is waiting (only possible when maxBuffered equals batchMax).
      counters.rowsDropped++;
      if (!ring.dropOldest()) return;
    }
    // The recorder owns recorded events: the row is the event itself, marked.
    const row = event as KeptRow;
    row.sampled = !error;
    ring.push(row);
  }

  /** Cuts a batch when one is due and starts sending it unless a send or a back-off is pending. */
  function pump(intervalDue: boolean): void {
    fold();
    if (inFlight !== null) return;
    if (pending === null) {
      if (shedding && !retryDrainAll) {
        // Hold the counts (bounded by maxSeries) and let the rows go: the explorer loses rows,
        // the rollups lose nothing until the series bound is reached.
        if (ring.size > 0) {
          counters.rowsShed += ring.size;
          counters.rowsDropped += ring.size;
          ring.take(ring.size);
        }
        return;
      }
      if (aggregator.events === 0 && ring.size === 0) return;
      if (!intervalDue && ring.size < batchMax) return;
      pending = {
        id: newId('batch'),
        aggregate: aggregator.drain(),
        rows: validRows(ring.take(batchMax)),
        attempts: 0,
      };
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
        counters.sent += batch.aggregate.events;
        counters.batchesSent++;
        pending = null;
        retryAt = 0;
        inFlight = null;
        // Drain a backlog without waiting for the next tick.
        if (ring.size >= batchMax || (retryDrainAll && (ring.size > 0 || aggregator.events > 0)))
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
    if (anonymise && !batch.anonymised) {
      for (const row of batch.rows)
        if (row.clientIp !== null) row.clientIp = anonymiseIp(row.clientIp);
      batch.anonymised = true;
    }
    const payload = encodeAggregateBatch(batch.id, nodeId, batch.aggregate, batch.rows);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('adding the batch timed out')), ADD_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        queue.add(ANALYTICS_AGGREGATE_BATCH_JOB_NAME, payload, {
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

  function somethingBuffered(): boolean {
    return bufferedCount() > 0 || rowsBuffered() > 0;
  }

  async function flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    retryDrainAll = true;
    try {
      while (somethingBuffered() && Date.now() < deadline) {
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
    if (somethingBuffered()) {
      logger.warn(
        { buffered: bufferedCount(), rowsBuffered: rowsBuffered() },
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
    fold();
    counters.dropped += bufferedCount();
    counters.rowsDropped += rowsBuffered();
    ring.take(ring.size);
    aggregator.clear();
    pending = null;
    await settledOrTimeout(pressureCheck, PRESSURE_TIMEOUT_MS);
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }

  function stats(): AnalyticsRecorderStats {
    fold();
    return {
      ...counters,
      buffered: bufferedCount(),
      redisReady: redis.status === 'ready',
      rowsBuffered: rowsBuffered(),
      queueBacklog,
      shedding,
    };
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

function buildProducerConnection(
  connection: RedisConnectionSettings | RedisOptions | string,
): RedisClient {
  // No offline queue: a command on a dead connection fails at once instead of piling up in
  // memory behind the request path; the recorder's own bounded buffer does the waiting.
  const overrides: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5_000),
  };
  if (typeof connection === 'string') return new Redis(connection, overrides);
  if (isConnectionSettings(connection)) return connectRedis(connection, overrides);
  return new Redis({ ...connection, ...overrides });
}

function isConnectionSettings(
  connection: RedisConnectionSettings | RedisOptions,
): connection is RedisConnectionSettings {
  return 'cluster' in connection && 'seeds' in connection;
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

const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

function idOk(value: string | null): boolean {
  return value === null || (value.length >= 1 && value.length <= 64);
}

function countOk(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/**
 * The fields a request's counts are made of, checked as ZRequestEvent would (same bounds) but
 * without a pass over every field: this runs for every request.
 */
function countable(event: RecordedRequest): boolean {
  return (
    Number.isInteger(event.time) &&
    event.time >= 0 &&
    Number.isInteger(event.status) &&
    event.status >= 100 &&
    event.status <= 599 &&
    event.totalMs >= 0 &&
    event.totalMs <= 86_400_000 &&
    countOk(event.bytesIn) &&
    countOk(event.bytesOut) &&
    idOk(event.apiId) &&
    idOk(event.routeId) &&
    idOk(event.consumerId) &&
    idOk(event.keyId) &&
    (event.errorCode === null || ERROR_CODE.test(event.errorCode))
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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
    'Requests not counted (series bound, malformed, shutdown, or analytics disabled).',
    s.dropped,
  );
  metric(
    'portico_analytics_events_sent_total',
    'counter',
    'Requests counted in batches delivered to Redis.',
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
    'Requests counted in memory, not yet delivered to Redis.',
    s.buffered,
  );
  metric(
    'portico_analytics_buffered_rows',
    'gauge',
    'Raw request-log rows waiting in memory.',
    s.rowsBuffered ?? 0,
  );
  metric(
    'portico_analytics_rows_kept_total',
    'counter',
    'Raw request-log rows kept (every error and a per-API, per-second sample of successes).',
    s.rowsKept ?? 0,
  );
  metric(
    'portico_analytics_rows_dropped_total',
    'counter',
    'Raw request-log rows discarded before Redis (row buffer full, shed, or shutdown).',
    s.rowsDropped ?? 0,
  );
  metric(
    'portico_analytics_rows_shed_total',
    'counter',
    'Raw request-log rows shed because the queue backlog or Redis memory was past its bound.',
    s.rowsShed ?? 0,
  );
  metric(
    'portico_analytics_queue_backlog_jobs',
    'gauge',
    'Analytics jobs waiting in Redis when last looked at (-1: not yet known).',
    s.queueBacklog ?? -1,
  );
  metric(
    'portico_analytics_shedding',
    'gauge',
    '1 while the backlog or Redis memory is past its bound and analytics are held back.',
    s.shedding ? 1 : 0,
  );
  return `${lines.join('\n')}\n`;
}

const consoleLogger: AnalyticsLogger = {
  info: (details, message) => console.info(message, details),
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};
