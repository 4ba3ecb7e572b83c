import type { IncomingMessage } from 'node:http';
import type { GatewayMetrics } from '../status/gateway-metrics';
import { BodyCollector, type BodyCollectorTarget } from './body-collector';
import { type CompiledValidation, validationModeFor } from './compiled-validation';
import type { OpenApiValidator, OperationMatch, Violation } from './openapi-validator';

/**
 * The analytics error code of a request report-mode validation found invalid and forwarded. It is
 * never answered to a client (not a GatewayErrorCode): it marks the request in the rollups' error
 * codes and keeps its row in the request explorer.
 */
export const VALIDATION_REPORTED_CODE = 'GW_REQUEST_INVALID_REPORTED';

/** The exchange a validation runs for: what it reads, and where the verdict goes. */
export interface ValidationHost {
  readonly req: IncomingMessage;
  readonly method: string;
  /** Forward the request; `body` is the collected body when the validator read it whole. */
  validationPassed(body: Buffer | null, match: OperationMatch | null): void;
  validationRefused(violations: readonly Violation[]): void;
  /** Report mode: the request would have been refused; it is forwarded, and analytics mark it. */
  validationReported(): void;
  validationBodyTooLarge(limit: number): void;
  validationBodyFailed(): void;
}

export interface ValidationRequest {
  readonly apiId: string;
  readonly routeId: string | null;
  readonly relativePath: string;
  readonly query: string;
  readonly maxBodyBytes: number;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (
    (length !== undefined && Number(length) > 0) || req.headers['transfer-encoding'] !== undefined
  );
}

/**
 * Checks one request against its API's compiled OpenAPI validators and tells the host the
 * verdict: synchronously for parameters, after the body has arrived for JSON bodies. In report
 * mode a failing request is counted and forwarded; in enforce mode it is refused and nothing
 * reaches the upstream.
 */
export function validateRequest(
  host: ValidationHost,
  validation: CompiledValidation,
  request: ValidationRequest,
  metrics: GatewayMetrics,
): void {
  const mode = validationModeFor(validation, request.routeId);
  if (mode === 'off') {
    host.validationPassed(null, null);
    return;
  }
  const validator = validation.validator;
  const req = host.req;
  const match = validator.match(host.method, request.relativePath);
  const violations: Violation[] = [];
  if (match === null) {
    violations.push({
      pointer: '',
      message: `the API's OpenAPI document describes no operation ${host.method} ${request.relativePath}`,
    });
  } else {
    validator.checkParameters(match, request.query, req.headers, violations);
    const contentType = req.headers['content-type'];
    const withBody = hasBody(req);
    validator.checkBodyEnvelope(match, contentType, withBody, violations);
    if (violations.length === 0 && validator.needsBody(match, contentType, withBody)) {
      const check = new BodyCheck(host, validator, { match, mode, request, metrics });
      new BodyCollector(req, request.maxBodyBytes, check);
      return;
    }
  }
  conclude(host, { match, mode, request, metrics }, violations, null);
}

interface Verdict {
  readonly match: OperationMatch | null;
  readonly mode: 'enforce' | 'report';
  readonly request: ValidationRequest;
  readonly metrics: GatewayMetrics;
}

function conclude(
  host: ValidationHost,
  verdict: Verdict,
  violations: readonly Violation[],
  body: Buffer | null,
): void {
  if (violations.length === 0) {
    host.validationPassed(body, verdict.match);
    return;
  }
  verdict.metrics.observeValidationFailure(verdict.request.apiId, verdict.mode);
  if (verdict.mode === 'report') {
    host.validationReported();
    host.validationPassed(body, verdict.match);
  } else host.validationRefused(violations);
}

/** Checks a JSON body once the collector has it whole. */
class BodyCheck implements BodyCollectorTarget {
  constructor(
    private readonly host: ValidationHost,
    private readonly validator: OpenApiValidator,
    private readonly verdict: Verdict & { readonly match: OperationMatch },
  ) {}

  onBodyCollected(body: Buffer): void {
    const violations: Violation[] = [];
    this.validator.checkBody(this.verdict.match, body, violations);
    conclude(this.host, this.verdict, violations, body);
  }

  onBodyTooLarge(limit: number): void {
    this.host.validationBodyTooLarge(limit);
  }

  onBodyFailed(): void {
    this.host.validationBodyFailed();
  }
}
