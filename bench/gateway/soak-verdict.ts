/**
 * The soak's verdict: per process, the growth of resident memory from first sample to last and
 * its least-squares slope, against the thresholds below; and the table of samples it prints.
 */
import { round } from './bench-report';
import type { GatewayMetricName, ProcessMemory, WorkerMetrics } from './soak-sampling';

/*
 * "Flat" thresholds, applied to every gateway process on its own (a leak in one worker must not
 * hide behind the others). A leak is a steady climb, so the least-squares slope is the main test:
 * a worker here serves 3,000-5,000 req/s, at which 1 MB/min is 3-6 bytes kept per request, while
 * a real per-request leak (a map entry, a listener, a closure: a hundred bytes or more) climbs by
 * 20 MB a minute or more. What the threshold must stay above is GC noise: a worker's RSS, sampled after each slice, moves by a few
 * MB on a quiet machine and by 10-25 MB on a busy one, which over 20 samples in ten minutes puts
 * the slope's error between 0.2 and 0.8 MB/min. The growth cap (first sample to last) catches a
 * step the slope smooths over, such as a pool or cache filling up after the warm-up, once it is
 * more than a tenth of the process (~14 MB for a worker).
 */
export const MAX_GROWTH_PERCENT = 10;
export const MAX_SLOPE_MB_PER_MINUTE = 1;
/** Below this much load the slope is mostly GC noise: the verdict is printed as indicative only. */
export const CONCLUSIVE_MINUTES = 5;

export interface SliceResult {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
  /** RSS read every RSS_POLL_MS while the load ran, per process: the GC sawtooth behind a sample. */
  rssPollsMb: Record<string, number[]>;
}

export interface Sample {
  /** Minutes of measured load before this sample (0: right after the warm-up). */
  minute: number;
  processes: ProcessMemory[];
  totalRssMb: number;
  slice: SliceResult | null;
  gateway: WorkerMetrics[];
  loadAverage1m: number;
  /** What the bench's analytics queue held in Redis when it was emptied after this sample. */
  benchQueueTrimmed: { keys: number; mb: number } | null;
}

/** Least-squares slope of y against x; 0 with fewer than two points. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - meanX;
    num += dx * ((ys[i] ?? 0) - meanY);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}

export interface SeriesSummary {
  label: string;
  firstMb: number;
  lastMb: number;
  growthPercent: number;
  slopeMbPerMinute: number;
  /**
   * Slope of the lowest RSS seen in each slice: less exposed to where in its GC cycle a process
   * happens to be when sampled, so it backs up (or questions) the sampled slope. Not in the verdict.
   */
  floorSlopeMbPerMinute: number | null;
  flat: boolean;
}

export function summarise(
  label: string,
  minutes: number[],
  mbs: number[],
  floor: { minutes: number[]; mbs: number[] } | null,
): SeriesSummary {
  const first = mbs[0] ?? 0;
  const last = mbs[mbs.length - 1] ?? 0;
  const growthPercent = first > 0 ? ((last - first) / first) * 100 : 0;
  const slopeMbPerMinute = slope(minutes, mbs);
  return {
    label,
    firstMb: first,
    lastMb: last,
    growthPercent: round(growthPercent),
    slopeMbPerMinute: round(slopeMbPerMinute),
    floorSlopeMbPerMinute:
      floor && floor.mbs.length >= 2 ? round(slope(floor.minutes, floor.mbs)) : null,
    flat: growthPercent < MAX_GROWTH_PERCENT && slopeMbPerMinute < MAX_SLOPE_MB_PER_MINUTE,
  };
}

function pad(value: string, width: number): string {
  return value.padStart(width);
}

export function printTable(samples: Sample[], labels: string[]): void {
  const header = [
    pad('minute', 6),
    ...labels.map((l) => pad(`${l} MB`, Math.max(10, l.length + 3))),
    pad('total MB', 9),
    pad('req/s', 7),
    pad('failed', 7),
    pad('in-flight', 9),
    pad('dropped', 8),
  ];
  console.log(`\n${header.join('  ')}`);
  for (const s of samples) {
    const rss = labels.map((l, i) => {
      const p = s.processes.find((x) => x.label === l);
      return pad(p ? p.rssMb.toFixed(1) : '-', header[i + 1]?.length ?? 10);
    });
    const failed = s.slice ? String(s.slice.non2xx + s.slice.socketErrors) : '-';
    const sum = (name: GatewayMetricName) => {
      const present = s.gateway.filter((g) => g[name] !== undefined);
      return present.length === 0 ? '-' : String(present.reduce((a, g) => a + (g[name] ?? 0), 0));
    };
    console.log(
      [
        pad(s.minute.toFixed(2), 6),
        ...rss,
        pad(s.totalRssMb.toFixed(1), 9),
        pad(s.slice ? String(s.slice.requestsPerSecond) : 'warm', 7),
        pad(failed, 7),
        pad(sum('portico_gateway_in_flight_requests'), 9),
        pad(sum('portico_analytics_dropped_total'), 8),
      ].join('  '),
    );
  }
}

/** Each process's series and the total's, from the samples taken after the warm-up and each slice. */
export function summariseSamples(
  samples: readonly Sample[],
  labels: readonly string[],
): { series: SeriesSummary[]; total: SeriesSummary } {
  const minutes = samples.map((s) => s.minute);
  const sliced = samples.flatMap((s) => (s.slice ? [{ minute: s.minute, slice: s.slice }] : []));
  const series = labels.map((label) =>
    summarise(
      label,
      minutes,
      samples.map((s) => s.processes.find((p) => p.label === label)?.rssMb ?? 0),
      {
        minutes: sliced.map((s) => s.minute),
        mbs: sliced.map((s) => Math.min(...(s.slice.rssPollsMb[label] ?? [0]))),
      },
    ),
  );
  const total = summarise(
    'total',
    minutes,
    samples.map((s) => s.totalRssMb),
    null,
  );
  return { series, total };
}

/** One line per series: first and last sample, growth, slope, and whether it is over threshold. */
export function printSeries(series: readonly SeriesSummary[]): void {
  console.log('');
  for (const s of series) {
    console.log(
      `${s.label.padEnd(9)} ${s.firstMb.toFixed(1)} -> ${s.lastMb.toFixed(1)} MB, growth ${s.growthPercent.toFixed(1)}%, slope ${s.slopeMbPerMinute.toFixed(3)} MB/min${s.floorSlopeMbPerMinute === null ? '' : ` (in-slice low: ${s.floorSlopeMbPerMinute.toFixed(3)} MB/min)`}${s.label === 'total' || s.flat ? '' : '  over threshold'}`,
    );
  }
}
