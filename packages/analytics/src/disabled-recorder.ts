import type { AnalyticsRecorder, AnalyticsRecorderStats } from './recorder-contract';
import { recorderMetricsText } from './recorder-metrics';

/** A recorder that keeps nothing: for gateways without analytics and for tests. */
export function noopAnalyticsRecorder(): AnalyticsRecorder {
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
      // Disabled analytics still count what they discard, so the loss shows in the metrics.
      counters.recorded++;
      counters.dropped++;
    },
    flush: async () => undefined,
    close: async () => undefined,
    stats,
    metricsText: () => recorderMetricsText(stats()),
  };
}
