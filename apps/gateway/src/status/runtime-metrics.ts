import {
  monitorEventLoopDelay,
  PerformanceObserver,
  constants as perfConstants,
} from 'node:perf_hooks';

const GC_KINDS: readonly [number, string][] = [
  [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
];

/** Pause buckets (ms) for the GC histogram: what a p99 at a few milliseconds can be made of. */
const GC_BUCKETS_MS = [0.5, 1, 2, 5, 10, 25, 50, 100];

interface GcKindTotals {
  count: number;
  totalMs: number;
  buckets: number[];
}

/**
 * What stalls the event loop, as Prometheus metrics: the loop's delay (perf_hooks'
 * monitorEventLoopDelay, sampled every 10 ms) and garbage-collection pauses by kind
 * (PerformanceObserver on `gc` entries). Both run off the request path.
 */
export class RuntimeMetrics {
  private readonly loopDelay: ReturnType<typeof monitorEventLoopDelay> = monitorEventLoopDelay({
    resolution: 10,
  });
  private readonly gc = new Map<string, GcKindTotals>();
  private readonly observer: PerformanceObserver;

  constructor() {
    this.loopDelay.enable();
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // GC entries carry their kind in `detail` (Node's PerformanceEntry typing omits it).
        const detail: unknown = 'detail' in entry ? entry.detail : undefined;
        const code =
          typeof detail === 'object' && detail !== null && 'kind' in detail
            ? detail.kind
            : undefined;
        const kind = GC_KINDS.find(([k]) => k === code)?.[1] ?? 'other';
        let totals = this.gc.get(kind);
        if (totals === undefined) {
          totals = {
            count: 0,
            totalMs: 0,
            buckets: new Array<number>(GC_BUCKETS_MS.length).fill(0),
          };
          this.gc.set(kind, totals);
        }
        totals.count++;
        totals.totalMs += entry.duration;
        const bucket = GC_BUCKETS_MS.findIndex((le) => entry.duration <= le);
        if (bucket >= 0) totals.buckets[bucket] = (totals.buckets[bucket] ?? 0) + 1;
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Prometheus text: event-loop delay quantiles since start, and GC pause histograms per kind. */
  text(): string {
    const d = this.loopDelay;
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const lines = [
      '# HELP portico_gateway_event_loop_delay_ms Event-loop delay since start (sampled every 10 ms).',
      '# TYPE portico_gateway_event_loop_delay_ms summary',
      `portico_gateway_event_loop_delay_ms{quantile="0.5"} ${ms(d.percentile(50))}`,
      `portico_gateway_event_loop_delay_ms{quantile="0.99"} ${ms(d.percentile(99))}`,
      `portico_gateway_event_loop_delay_ms{quantile="1"} ${ms(d.max)}`,
      `portico_gateway_event_loop_delay_ms_count ${d.count}`,
      '# HELP portico_gateway_gc_pause_ms Garbage-collection pauses by kind.',
      '# TYPE portico_gateway_gc_pause_ms histogram',
    ];
    for (const [kind, totals] of this.gc) {
      let cumulative = 0;
      GC_BUCKETS_MS.forEach((le, i) => {
        cumulative += totals.buckets[i] ?? 0;
        lines.push(`portico_gateway_gc_pause_ms_bucket{kind="${kind}",le="${le}"} ${cumulative}`);
      });
      lines.push(`portico_gateway_gc_pause_ms_bucket{kind="${kind}",le="+Inf"} ${totals.count}`);
      lines.push(`portico_gateway_gc_pause_ms_sum{kind="${kind}"} ${totals.totalMs}`);
      lines.push(`portico_gateway_gc_pause_ms_count{kind="${kind}"} ${totals.count}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** Stops sampling (the gateway's close). */
  close(): void {
    this.loopDelay.disable();
    this.observer.disconnect();
  }
}
