import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RuntimeMetrics } from './runtime-metrics';

describe('RuntimeMetrics', () => {
  it('reports event-loop delay and the garbage collections that happened while it ran', async () => {
    const metrics = new RuntimeMetrics();
    try {
      // Enough short-lived garbage for several young-generation collections.
      let kept = 0;
      for (let i = 0; i < 200_000; i++) kept += new Array(64).fill(i).length;
      expect(kept).toBe(200_000 * 64);
      // GC entries are delivered asynchronously; the loop-delay histogram samples every 10 ms.
      await sleep(100);
      const text = metrics.text();
      expect(text).toMatch(
        /^portico_gateway_event_loop_delay_ms\{quantile="0\.99"\} \d+(\.\d+)?$/m,
      );
      expect(text).toMatch(/^portico_gateway_event_loop_delay_ms_count [1-9]\d*$/m);
      expect(text).toMatch(/^portico_gateway_gc_pause_ms_count\{kind="minor"\} [1-9]\d*$/m);
      expect(text).toMatch(
        /^portico_gateway_gc_pause_ms_bucket\{kind="minor",le="\+Inf"\} [1-9]\d*$/m,
      );
    } finally {
      metrics.close();
    }
  });
});
