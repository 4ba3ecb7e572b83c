/** Upper bounds (seconds) of the request duration histogram. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Request counters and durations in Prometheus text format, written by hand: a handful of
 * series does not justify a client library. Labels come from route patterns, never raw URLs,
 * so the number of series stays bounded.
 */
export class HttpMetrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();
  private readonly startedAtSeconds = Date.now() / 1000 - process.uptime();

  observe(method: string, route: string, status: number, seconds: number): void {
    const requestKey = `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`;
    this.requests.set(requestKey, (this.requests.get(requestKey) ?? 0) + 1);
    const durationKey = `method="${escapeLabel(method)}",route="${escapeLabel(route)}"`;
    let histogram = this.durations.get(durationKey);
    if (!histogram) {
      histogram = { counts: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(durationKey, histogram);
    }
    DURATION_BUCKETS.forEach((bound, index) => {
      if (seconds <= bound && histogram)
        histogram.counts[index] = (histogram.counts[index] ?? 0) + 1;
    });
    histogram.sum += seconds;
    histogram.count += 1;
  }

  render(): string {
    const lines: string[] = [];
    lines.push(
      '# HELP portico_control_http_requests_total HTTP requests answered, by route and status.',
    );
    lines.push('# TYPE portico_control_http_requests_total counter');
    for (const [labels, value] of this.requests)
      lines.push(`portico_control_http_requests_total{${labels}} ${value}`);
    lines.push(
      '# HELP portico_control_http_request_duration_seconds Time to answer HTTP requests.',
    );
    lines.push('# TYPE portico_control_http_request_duration_seconds histogram');
    for (const [labels, h] of this.durations) {
      DURATION_BUCKETS.forEach((bound, index) => {
        lines.push(
          `portico_control_http_request_duration_seconds_bucket{${labels},le="${bound}"} ${h.counts[index] ?? 0}`,
        );
      });
      lines.push(
        `portico_control_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`,
      );
      lines.push(`portico_control_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      lines.push(`portico_control_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    lines.push('# HELP process_cpu_seconds_total User and system CPU time spent.');
    lines.push('# TYPE process_cpu_seconds_total counter');
    lines.push(`process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
    lines.push('# HELP process_resident_memory_bytes Resident memory size.');
    lines.push('# TYPE process_resident_memory_bytes gauge');
    lines.push(`process_resident_memory_bytes ${memory.rss}`);
    lines.push('# HELP nodejs_heap_used_bytes V8 heap in use.');
    lines.push('# TYPE nodejs_heap_used_bytes gauge');
    lines.push(`nodejs_heap_used_bytes ${memory.heapUsed}`);
    lines.push('# HELP process_start_time_seconds Start time of the process since the Unix epoch.');
    lines.push('# TYPE process_start_time_seconds gauge');
    lines.push(`process_start_time_seconds ${Math.floor(this.startedAtSeconds)}`);
    return `${lines.join('\n')}\n`;
  }
}
