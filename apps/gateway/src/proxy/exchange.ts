import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { AggregateHost } from '../aggregate/aggregate-runner';
import type { Authenticated, AuthOutcome } from '../auth/auth-outcome';
import type { AuthHost } from '../auth/request-auth';
import type { ExpectedDigest } from '../auth/signatures/content-digest';
import type { CompiledApi, CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import type { UpstreamOutcome } from '../grpc/grpc-transcoder';
import type { LimitCheck, LimitDecision, LimitWaiter } from '../limits/index';
import type { CacheCapture, ResponseCacheStore } from '../policies/response-cache-store';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import type { OperationMatch, Violation } from '../validation/openapi-validator';
import { VALIDATION_REPORTED_CODE, type ValidationHost } from '../validation/request-validation';
import type { ResponseCheck } from '../validation/response-check';
import { authenticated, limitDecided } from './admission';
import type { BodyLimit } from './body-limit';
import { finishExchange } from './exchange-finish';
import { EXCHANGE, type ExchangeResponse } from './exchange-links';
import { failExchange, refuseInvalidRequest } from './exchange-problems';
import { forward } from './forward';
import type { ClientView } from './forwarded-headers';
import type { ProxyDeps } from './proxy-deps';
import { requestIdFrom } from './request-identity';
import { responseData, responseEnd, responseStart } from './response-stream';
import { upstreamFailed, upstreamStarted } from './upstream-request';

/** An exchange past routing: every later stage knows the API it serves. */
export type RoutedExchange = Exchange & { readonly entry: CompiledApi };

/** An exchange past authentication: the caller and the client's address are known. */
export type AdmittedExchange = RoutedExchange & {
  readonly view: ClientView;
  readonly clientIp: string;
  readonly outcome: Authenticated;
};

function onResponseClose(this: ExchangeResponse): void {
  const ex = this[EXCHANGE];
  if (ex !== undefined) finishExchange(ex);
}

/**
 * One proxied request, end to end: the one object the pipeline allocates for it. It carries the
 * request's state between the stages (`pipeline.ts` says which runs next) and is itself the undici
 * dispatch handler, the limiter's waiter, the validator's host and the host of composite and
 * transcoded calls, so no stage needs a closure or a promise of its own. Its methods only hand
 * the event to the stage that owns it. The callbacks that can only arrive after routing or after
 * admission say so in their `this` type, which is what lets the stages read the API unchecked.
 */
export class Exchange
  implements Dispatcher.DispatchHandler, LimitWaiter, ValidationHost, AggregateHost, AuthHost
{
  readonly requestId: string;
  readonly startedAt = performance.now();
  readonly method: string;
  /** Read once: a config swap mid-request changes nothing for it. */
  readonly config: CompiledConfig | null;
  readonly credentials: CredentialTable;

  // Normalise and route.
  entry: CompiledApi | null = null;
  apiId = '';
  routeId: string | null = null;
  relativePath = '/';
  path = '/';
  query = '';

  // Admission.
  view: ClientView | null = null;
  clientIp: string | null = null;
  outcome: Authenticated | null = null;
  /** Read by consistent-hash balancing (PickContext). */
  consumerId: string | null = null;
  keyId: string | null = null;
  /** The plan check this request passed, if any (composite routes count further units with it). */
  limitCheck: LimitCheck | null = null;
  limitHeaders: Record<string, string> | null = null;
  /** The body's Content-Digest, covered by the request's signature, checked as the body streams. */
  bodyDigest: ExpectedDigest | null = null;
  validated = false;
  /** The body the validator read whole, forwarded instead of the (consumed) request stream. */
  validatedBody: Buffer | null = null;
  /** The OpenAPI operation the request matched, for report-only response validation. */
  operation: OperationMatch | null = null;

  // Cache.
  cacheKey: string | null = null;
  cacheStore: ResponseCacheStore | null = null;
  capture: CacheCapture | null = null;

  // The upstream attempt in progress.
  instance: UpstreamInstance | null = null;
  upstreamHeaders: string[] = [];
  upstreamPath = '/';
  body: Readable | null = null;
  bodyLimit: BodyLimit | null = null;
  retriesLeft = 0;
  /** undici's handle on the attempt in progress: abort it, or resume it after backpressure. */
  upstream: Dispatcher.DispatchController | null = null;
  upstreamActive = false;
  upstreamStartedAt = 0;
  /** The upstream deadlines' one timer (upstream-deadline.ts), and when it is set to fire. */
  totalTimer: NodeJS.Timeout | null = null;
  deadlineAt = 0;
  /** When the attempt in progress must have its response headers; 0 once they came. */
  firstByteDue = 0;
  timedOut = false;
  clientGone = false;
  discardForRetry = false;
  retryInstance: UpstreamInstance | null = null;

  // The response and what is recorded of it.
  responding = false;
  responseCheck: ResponseCheck | null = null;
  upstreamMs: number | null = null;
  bytesIn = 0;
  bytesOut = 0;
  errorCode: GatewayErrorCode | null = null;
  /**
   * Report-mode validation found the request invalid and let it through: analytics record it
   * under this code (when nothing else failed), so operators see what enforcing would refuse.
   */
  reportedCode: typeof VALIDATION_REPORTED_CODE | null = null;
  /** The status recorded for a gRPC call passed through (its own status is always 200). */
  answeredStatus: number | null = null;
  finished = false;

  constructor(
    readonly deps: ProxyDeps,
    readonly req: IncomingMessage,
    readonly res: ExchangeResponse,
  ) {
    this.requestId = requestIdFrom(req.headers['x-request-id']);
    this.method = req.method ?? 'GET';
    const current = deps.runtime.current;
    this.config = current.config;
    this.credentials = current.credentials;
    deps.metrics.inFlight++;
    res[EXCHANGE] = this;
    // 'close' is emitted once per response; `on` spares the wrapper `once` allocates.
    res.on('close', onResponseClose);
  }

  /** The API's authentication decided (AuthHost). */
  afterAuth(this: RoutedExchange, outcome: AuthOutcome): void {
    authenticated(this, outcome);
  }

  /** The limiter's answer (LimitWaiter). */
  onLimitDecision(this: AdmittedExchange, decision: LimitDecision): void {
    limitDecided(this, decision);
  }

  // ValidationHost: the verdict of OpenAPI request validation.

  validationPassed(
    this: AdmittedExchange,
    body: Buffer | null,
    match: OperationMatch | null,
  ): void {
    this.validatedBody = body;
    this.operation = match;
    forward(this);
  }

  validationRefused(violations: readonly Violation[]): void {
    refuseInvalidRequest(this, violations);
  }

  validationReported(): void {
    this.reportedCode = VALIDATION_REPORTED_CODE;
  }

  validationBodyTooLarge(limit: number): void {
    this.fail('GW_PAYLOAD_TOO_LARGE', `request body exceeds this API's limit of ${limit} bytes`);
  }

  validationBodyFailed(): void {
    this.fail('GW_BAD_REQUEST', 'the request body ended before it was complete');
  }

  // undici dispatch handler: the upstream attempt's events.

  onRequestStart(this: AdmittedExchange, controller: Dispatcher.DispatchController): void {
    upstreamStarted(this, controller);
  }

  onResponseStart(
    this: AdmittedExchange,
    controller: Dispatcher.DispatchController,
    statusCode: number,
    upstreamHeaders: IncomingHttpHeaders,
  ): void {
    responseStart(this, controller, statusCode, upstreamHeaders);
  }

  onResponseData(
    this: AdmittedExchange,
    controller: Dispatcher.DispatchController,
    chunk: Buffer,
  ): void {
    responseData(this, controller, chunk);
  }

  onResponseEnd(this: AdmittedExchange): void {
    responseEnd(this);
  }

  onResponseError(
    this: AdmittedExchange,
    _controller: Dispatcher.DispatchController | undefined,
    error: Error,
  ): void {
    upstreamFailed(this, error);
  }

  /** A transcoded call's upstream attempt, for metrics and analytics (TranscodeHost). */
  noteUpstream(outcome: UpstreamOutcome): void {
    this.instance = outcome.instance;
    this.upstreamMs = outcome.upstreamMs;
    this.bytesIn = outcome.bytesIn;
    this.bytesOut = outcome.bytesOut;
    this.errorCode = outcome.errorCode;
  }

  fail(
    code: GatewayErrorCode,
    detail: string,
    extra?: Readonly<Record<string, string>> | null,
  ): void {
    failExchange(this, code, detail, extra);
  }
}
