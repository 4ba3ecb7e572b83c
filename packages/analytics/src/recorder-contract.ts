import type { RequestEvent } from './request-event';

/** What the gateway hands over per request; the recorder stamps its own node id. */
export type RecordedRequest = Omit<RequestEvent, 'nodeId'> & { nodeId?: string };

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

/** The recorder's running totals, shared by the window that counts and the loop that sends. */
export interface RecorderCounters {
  recorded: number;
  dropped: number;
  invalid: number;
  sent: number;
  batchesSent: number;
  sendFailures: number;
  rowsKept: number;
  rowsDropped: number;
  rowsShed: number;
}

export function newRecorderCounters(): RecorderCounters {
  return {
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
}
