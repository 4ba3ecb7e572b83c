import type { GatewayMetrics } from '../status/gateway-metrics';
import type { OpenApiValidator, OperationMatch, Violation } from './openapi-validator';

/** Responses past this size are relayed but not checked: report-only must stay cheap. */
export const MAX_CHECKED_RESPONSE_BYTES = 1_048_576;

/**
 * Report-only response validation: keeps a copy of a JSON response as it streams to the client
 * (never holding it back), then checks it against the operation's response schema and counts a
 * mismatch. The client's response is never changed.
 */
export class ResponseCheck {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly validator: OpenApiValidator,
    private readonly match: OperationMatch,
    private readonly status: number,
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes <= MAX_CHECKED_RESPONSE_BYTES) this.chunks.push(chunk);
    else this.chunks.length = 0;
  }

  /** Checks the complete response; returns the violations (also counted on the API). */
  finish(apiId: string, metrics: GatewayMetrics): readonly Violation[] {
    if (this.bytes > MAX_CHECKED_RESPONSE_BYTES) return [];
    const violations: Violation[] = [];
    this.validator.checkResponse(
      this.match,
      this.status,
      Buffer.concat(this.chunks, this.bytes),
      violations,
    );
    if (violations.length > 0) metrics.observeResponseMismatch(apiId);
    return violations;
  }
}

/** Whether an upstream content type is JSON the response validator can read. */
export function isJsonResponse(contentType: string | string[] | undefined): boolean {
  if (typeof contentType !== 'string') return false;
  const base = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return base === 'application/json' || base.endsWith('+json');
}
