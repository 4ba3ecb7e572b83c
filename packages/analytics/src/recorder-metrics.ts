import type { AnalyticsRecorderStats } from './recorder-contract';

/** Prometheus text exposition of a recorder's counters and gauges. */
export function recorderMetricsText(s: AnalyticsRecorderStats): string {
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
