import { newId } from '@portico/id';
import { BatchQueueWriter, backoffMs, type PendingBatch } from './batch-queue-writer';
import { noopAnalyticsRecorder } from './disabled-recorder';
import { settledOrTimeout } from './promise-deadlines';
import { analyticsQueueName } from './queue-names';
import {
  type AnalyticsRecorder,
  type AnalyticsRecorderStats,
  newRecorderCounters,
  type RecordedRequest,
} from './recorder-contract';
import { recorderMetricsText } from './recorder-metrics';
import { type AnalyticsRecorderOptions, recorderSettings } from './recorder-options';
import { RecordingWindow } from './recording-window';

export { noopAnalyticsRecorder } from './disabled-recorder';
export type {
  AnalyticsRecorder,
  AnalyticsRecorderStats,
  RecordedRequest,
} from './recorder-contract';
export type { AnalyticsLogger, AnalyticsRecorderOptions } from './recorder-options';
export { consoleLogger as consoleAnalyticsLogger } from './recorder-options';

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

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
 *
 * This function is the send loop; the recording window (what is held), the writer (Redis and the queue) and
 * the settings are modules of their own.
 */
export function createAnalyticsRecorder(options: AnalyticsRecorderOptions): AnalyticsRecorder {
  const settings = recorderSettings(options);
  const { logger, batchMaxEvents: batchMax } = settings;
  if (options.connection === null) {
    logger.info({}, 'analytics disabled: no Redis configured, request events are discarded');
    return noopAnalyticsRecorder();
  }

  const counters = newRecorderCounters();
  let pending: PendingBatch | null = null;
  let inFlight: Promise<void> | null = null;
  let retryAt = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let pumpScheduled = false;
  let closed = false;
  let lastErrorLogAt = 0;
  // Set while flush() runs, so every remaining event goes out regardless of batch size and backpressure.
  let retryDrainAll = false;

  const recording = new RecordingWindow({ ...settings, counters, onRowsDue });
  const writer = new BatchQueueWriter({
    ...settings,
    connection: options.connection,
    queueName: options.queueName ?? analyticsQueueName(),
    prefix: options.prefix,
    onReady,
    onError: logSendError,
  });

  /** A full batch of rows is waiting: send it on the next turn rather than at the next interval. */
  function onRowsDue(): void {
    if (pumpScheduled || inFlight !== null) return;
    pumpScheduled = true;
    setImmediate(pumpEarly);
  }

  function pumpEarly(): void {
    pumpScheduled = false;
    pump(false);
  }

  // A batch that failed while Redis was away waits out its back-off; once the connection is
  // back there is nothing left to wait for, so the backlog goes out at once.
  function onReady(): void {
    if (closed || pending === null || inFlight !== null) return;
    retryAt = 0;
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    pump(true);
  }

  function logSendError(err: unknown, during: 'connection' | 'pressure' | 'send' = 'send'): void {
    // Redis being down produces an error per reconnect attempt; one line per 10 s is enough.
    const now = Date.now();
    if (now - lastErrorLogAt < 10_000) return;
    lastErrorLogAt = now;
    const message = err instanceof Error ? err.message : String(err);
    if (during === 'pressure') {
      logger.warn(
        { err: message, shedding: writer.shedding },
        'analytics: the look at the queue backlog and Redis memory failed; shedding stays as it was',
      );
      return;
    }
    logger.warn(
      { err: message, buffered: bufferedCount() },
      'analytics: cannot reach Redis, events wait in the bounded buffer',
    );
  }

  function bufferedCount(): number {
    return recording.events + (pending?.aggregate.events ?? 0);
  }

  function rowsBuffered(): number {
    return recording.rowsWaiting + (pending?.rows.length ?? 0);
  }

  const interval = setInterval(() => {
    writer.checkPressure();
    pump(true);
  }, settings.flushIntervalMs);
  interval.unref();

  function record(event: RecordedRequest): void {
    counters.recorded++;
    if (closed) {
      counters.dropped++;
      return;
    }
    recording.add(event);
  }

  /** Cuts a batch when one is due and starts sending it unless a send or a back-off is pending. */
  function pump(intervalDue: boolean): void {
    recording.fold();
    if (inFlight !== null) return;
    if (pending === null) {
      if (writer.shedding && !retryDrainAll) {
        recording.shedRows();
        return;
      }
      if (!recording.hasFolded) return;
      if (!intervalDue && recording.rowsWaiting < batchMax) return;
      pending = recording.cut(newId('batch'));
      recording.rowsInFlight = pending.rows.length;
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
    inFlight = writer.send(batch).then(
      () => {
        counters.sent += batch.aggregate.events;
        counters.batchesSent++;
        pending = null;
        recording.rowsInFlight = 0;
        retryAt = 0;
        inFlight = null;
        // Drain a backlog without waiting for the next tick.
        if (
          recording.rowsWaiting >= batchMax ||
          (retryDrainAll && (recording.rowsWaiting > 0 || recording.events > 0))
        )
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
    recording.fold();
    counters.dropped += bufferedCount();
    counters.rowsDropped += rowsBuffered();
    recording.clear();
    pending = null;
    recording.rowsInFlight = 0;
    await writer.close();
  }

  function stats(): AnalyticsRecorderStats {
    recording.fold();
    return {
      ...counters,
      buffered: bufferedCount(),
      redisReady: writer.ready,
      rowsBuffered: rowsBuffered(),
      queueBacklog: writer.queueBacklog,
      shedding: writer.shedding,
    };
  }

  return { record, flush, close, stats, metricsText: () => recorderMetricsText(stats()) };
}
