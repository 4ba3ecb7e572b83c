import { familyHeader, labelledSamples } from './prometheus-text';

const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/**
 * The gateway's own counters, kept as plain numbers (no per-request allocation) and rendered
 * in Prometheus text format on the status listener.
 */
export class GatewayMetrics {
  private readonly byStatus = new Map<number, number>();
  private readonly byErrorCode = new Map<string, number>();
  private readonly latencyCounts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  private latencySumMs = 0;
  private latencyCount = 0;
  /** `apiId|mode` → requests that failed request validation (refused, or reported only). */
  private readonly validationFailures = new Map<string, number>();
  /** API id → upstream responses that did not match the OpenAPI document (report-only). */
  private readonly responseMismatches = new Map<string, number>();
  inFlight = 0;
  configApplied = 0;
  configRefused = 0;

  observe(status: number, errorCode: string | null, totalMs: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (errorCode !== null)
      this.byErrorCode.set(errorCode, (this.byErrorCode.get(errorCode) ?? 0) + 1);
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS_MS.length && totalMs > (LATENCY_BUCKETS_MS[bucket] as number))
      bucket++;
    this.latencyCounts[bucket] = (this.latencyCounts[bucket] ?? 0) + 1;
    this.latencySumMs += totalMs;
    this.latencyCount++;
  }

  observeValidationFailure(apiId: string, mode: 'enforce' | 'report'): void {
    const key = `${apiId}|${mode}`;
    this.validationFailures.set(key, (this.validationFailures.get(key) ?? 0) + 1);
  }

  observeResponseMismatch(apiId: string): void {
    this.responseMismatches.set(apiId, (this.responseMismatches.get(apiId) ?? 0) + 1);
  }

  text(extra: { configVersion: number; credentialSeq: number; ready: boolean }): string {
    const lines: string[] = [
      ...familyHeader(
        'portico_gateway_requests_total',
        'counter',
        'Requests answered, by HTTP status.',
      ),
    ];
    lines.push(...labelledSamples('portico_gateway_requests_total', 'status', this.byStatus));
    lines.push(
      ...familyHeader(
        'portico_gateway_errors_total',
        'counter',
        'Requests the gateway answered itself, by error code.',
      ),
    );
    lines.push(...labelledSamples('portico_gateway_errors_total', 'code', this.byErrorCode));
    lines.push(
      ...familyHeader(
        'portico_gateway_request_duration_ms',
        'histogram',
        'Total request time as seen by the gateway.',
      ),
    );
    let cumulative = 0;
    LATENCY_BUCKETS_MS.forEach((le, i) => {
      cumulative += this.latencyCounts[i] ?? 0;
      lines.push(`portico_gateway_request_duration_ms_bucket{le="${le}"} ${cumulative}`);
    });
    cumulative += this.latencyCounts[LATENCY_BUCKETS_MS.length] ?? 0;
    lines.push(`portico_gateway_request_duration_ms_bucket{le="+Inf"} ${cumulative}`);
    lines.push(`portico_gateway_request_duration_ms_sum ${this.latencySumMs}`);
    lines.push(`portico_gateway_request_duration_ms_count ${this.latencyCount}`);
    lines.push(
      ...familyHeader(
        'portico_gateway_validation_failures_total',
        'counter',
        'Requests that failed OpenAPI validation; mode="report" ones were forwarded anyway.',
      ),
    );
    for (const [key, count] of this.validationFailures) {
      const [api, mode] = key.split('|');
      lines.push(`portico_gateway_validation_failures_total{api="${api}",mode="${mode}"} ${count}`);
    }
    lines.push(
      ...familyHeader(
        'portico_gateway_response_mismatches_total',
        'counter',
        'Upstream responses that did not match the OpenAPI document (report-only).',
      ),
    );
    lines.push(
      ...labelledSamples(
        'portico_gateway_response_mismatches_total',
        'api',
        this.responseMismatches,
      ),
    );
    lines.push(
      '# TYPE portico_gateway_in_flight_requests gauge',
      `portico_gateway_in_flight_requests ${this.inFlight}`,
    );
    lines.push(
      '# TYPE portico_gateway_config_version gauge',
      `portico_gateway_config_version ${extra.configVersion}`,
    );
    lines.push(
      '# TYPE portico_gateway_credential_seq gauge',
      `portico_gateway_credential_seq ${extra.credentialSeq}`,
    );
    lines.push(
      '# TYPE portico_gateway_ready gauge',
      `portico_gateway_ready ${extra.ready ? 1 : 0}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
