import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { Dispatcher } from 'undici';
import { type AggregateHost, runAggregate } from '../aggregate/aggregate-runner';
import { ANONYMOUS, type AuthOutcome } from '../auth/auth-outcome';
import { authenticateJwt } from '../auth/jwt-auth';
import { authenticateKey } from '../auth/key-auth';
import { scopesFor } from '../auth/required-scopes';
import type { CompiledApi, CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import {
  GATEWAY_ERRORS,
  type GatewayErrorCode,
  PROBLEM_CONTENT_TYPE,
  problemBody,
} from '../errors/gateway-errors';
import { transcodeToGrpc, type UpstreamOutcome } from '../grpc/grpc-transcoder';
import type { LimitCheck, LimitDecision, LimitWaiter } from '../limits/index';
import { McpExchange, mcpEntryFor } from '../mcp/mcp-exchange';
import { addCorsResponseHeaders, preflightHeaders } from '../policies/cors';
import { applyHeaderTransform } from '../policies/header-transform';
import type {
  CacheCapture,
  CachedResponse,
  ResponseCacheStore,
} from '../policies/response-cache-store';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import type { OperationMatch, Violation } from '../validation/openapi-validator';
import { type ValidationHost, validateRequest } from '../validation/request-validation';
import { isJsonResponse, ResponseCheck } from '../validation/response-check';
import { type ClientView, forwardedHeadersFor } from './forwarded-headers';
import { connectionNamedHeaders, HOP_BY_HOP } from './hop-by-hop';
import { limitCheckFor } from './limit-check';
import { isUnderBasePath, normalisePath } from './path-normaliser';
import type { ProxyDeps } from './proxy-deps';
import { nextTraceparent, requestIdFrom } from './request-identity';
import { sendProblem } from './send-problem';
import { IDEMPOTENT, RETRYABLE_ERRORS, upstreamErrorCode } from './upstream-policy';

export type { ProxyDeps } from './proxy-deps';
export { sendProblem } from './send-problem';

/**
 * Request headers never forwarded as the client sent them: hop-by-hop ones, and those the
 * gateway owns (it sets them itself, or the upstream must not see them).
 */
const STRIPPED_REQUEST_HEADERS = new Set([
  ...HOP_BY_HOP,
  'host',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'forwarded',
  'x-request-id',
  'traceparent',
  'x-consumer-id',
  'x-consumer-name',
  'x-portico-plan',
  'content-length',
]);

const NO_SCOPES: readonly string[] = [];

/** Set on requests that arrived through the server's 'upgrade' event: the bytes read past the headers. */
export const UPGRADE_HEAD = Symbol('portico.upgradeHead');
type UpgradeRequest = IncomingMessage & { [UPGRADE_HEAD]?: Buffer };

/** Links a response to its exchange, so one shared 'close' listener serves every request. */
const EXCHANGE = Symbol('portico.exchange');
type ExchangeResponse = ServerResponse & { [EXCHANGE]?: Exchange };

class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** The gateway gave up on the upstream: the whole exchange ran past the service's total timeout. */
class TotalTimeoutError extends Error {}
/** The client went away: the upstream exchange is no longer wanted. */
class ClientGoneError extends Error {}
const CLIENT_GONE = new ClientGoneError('the client closed the connection');

/** Counts a chunked body as it streams and stops it at the API's limit, without buffering. */
class BodyLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) callback(new BodyTooLargeError(this.limit));
    else callback(null, chunk);
  }
}

function headerBytes(raw: readonly string[]): number {
  let total = 0;
  for (let i = 0; i < raw.length; i++) total += (raw[i] as string).length + 2;
  return total;
}

function pushLimitHeaders(headers: string[], limitHeaders: Record<string, string>): void {
  for (const name in limitHeaders) headers.push(name, limitHeaders[name] as string);
}

function onResponseClose(this: ExchangeResponse): void {
  this[EXCHANGE]?.onResponseClose();
}

function onResponseDrain(this: ExchangeResponse): void {
  this[EXCHANGE]?.resumeUpstream();
}

function onTotalTimeout(exchange: Exchange): void {
  exchange.onTotalTimeout();
}

/**
 * The proxy hot path: normalise, route, policies, authenticate, limit, forward, stream back.
 * Each request is one `Exchange` object that is also the undici dispatch handler and the
 * limiter's waiter, so the path allocates no closures, promises or streams of its own for a
 * request without a body. The runtime reference is read once, so a config swap mid-request
 * changes nothing for it.
 */
export function createProxyHandler(
  deps: ProxyDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    // MCP endpoints are looked up only when the running version has any: one Set lookup.
    const current = deps.runtime.current;
    if (current.config !== null && current.config.mcpPaths.size > 0) {
      const mcpEntry = mcpEntryFor(current.config, req);
      if (mcpEntry !== null) {
        new McpExchange(deps, req, res, mcpEntry, current.config, current.credentials).start();
        return;
      }
    }
    new Exchange(deps, req, res as ExchangeResponse).start();
  };
}

class Exchange implements Dispatcher.DispatchHandler, LimitWaiter, ValidationHost, AggregateHost {
  readonly requestId: string;
  readonly startedAt = performance.now();
  readonly method: string;
  private upstreamStartedAt = 0;
  private upstreamMs: number | null = null;
  private entry: CompiledApi | null = null;
  routeId: string | null = null;
  /** The plan check this request passed, if any (composite routes count further units with it). */
  limitCheck: LimitCheck | null = null;
  relativePath = '/';
  private path = '/';
  query = '';
  private instance: UpstreamInstance | null = null;
  /** Read by consistent-hash balancing (PickContext). */
  consumerId: string | null = null;
  clientIp: string | null = null;
  private keyId: string | null = null;
  private view: ClientView | null = null;
  private bytesIn = 0;
  private bytesOut = 0;
  private errorCode: GatewayErrorCode | null = null;
  limitHeaders: Record<string, string> | null = null;
  private outcome: (AuthOutcome & { ok: true }) | null = null;
  private finished = false;
  private validated = false;
  /** The body the validator read whole, forwarded instead of the (consumed) request stream. */
  private validatedBody: Buffer | null = null;
  /** The OpenAPI operation the request matched, for report-only response validation. */
  private operation: OperationMatch | null = null;
  private responseCheck: ResponseCheck | null = null;

  // The upstream attempt in progress.
  private upstreamHeaders: string[] = [];
  private upstreamPath = '/';
  private body: IncomingMessage | BodyLimit | null = null;
  private bodyLimit: BodyLimit | null = null;
  private retriesLeft = 0;
  /** undici's handle on the attempt in progress: abort it, or resume it after backpressure. */
  private upstream: Dispatcher.DispatchController | null = null;
  private upstreamActive = false;
  private totalTimer: NodeJS.Timeout | null = null;
  private timedOut = false;
  private clientGone = false;
  private discardForRetry = false;
  private retryInstance: UpstreamInstance | null = null;
  private responding = false;
  private cacheKey: string | null = null;
  private cacheStore: ResponseCacheStore | null = null;
  private capture: CacheCapture | null = null;

  constructor(
    private readonly deps: ProxyDeps,
    readonly req: IncomingMessage,
    readonly res: ExchangeResponse,
  ) {
    this.requestId = requestIdFrom(req.headers['x-request-id']);
    this.method = req.method ?? 'GET';
    deps.metrics.inFlight++;
    res[EXCHANGE] = this;
    // 'close' is emitted once per response; `on` spares the wrapper `once` allocates.
    res.on('close', onResponseClose);
  }

  start(): void {
    const { req } = this;
    const current = this.deps.runtime.current;
    const config = current.config;
    if (config === null) {
      this.fail('GW_NOT_READY', 'the gateway has not loaded a configuration yet; retry shortly', {
        'retry-after': '5',
      });
      return;
    }
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
    this.query = queryStart === -1 ? '' : url.slice(queryStart + 1);
    const normalised = normalisePath(rawPath);
    if (!normalised.ok) {
      this.fail('GW_BAD_REQUEST', normalised.reason);
      return;
    }
    const method = this.method;
    this.path = normalised.path;
    const match = config.router.match(req.headers.host, method, normalised.path);
    if (match.kind !== 'matched') {
      if (match.kind === 'no-route') this.entry = match.entry;
      this.fail('GW_ROUTE_NOT_FOUND', `no route matches ${method} ${normalised.path}`);
      return;
    }
    const entry = match.entry;
    this.entry = entry;
    this.routeId = match.route.id === '' ? null : match.route.id;
    this.relativePath = match.relativePath;
    if (normalised.hadDots && !isUnderBasePath(normalised.beforeDots, entry.api.basePath)) {
      this.fail('GW_BAD_REQUEST', 'the path uses ".." to leave the API base path');
      return;
    }
    if (headerBytes(req.rawHeaders) > entry.maxHeaderBytes) {
      this.fail(
        'GW_HEADERS_TOO_LARGE',
        `request headers exceed this API's limit of ${entry.maxHeaderBytes} bytes`,
      );
      return;
    }
    const contentLength = req.headers['content-length'];
    if (contentLength !== undefined && Number(contentLength) > entry.maxBodyBytes) {
      this.fail(
        'GW_PAYLOAD_TOO_LARGE',
        `request body exceeds this API's limit of ${entry.maxBodyBytes} bytes`,
      );
      return;
    }

    const view = forwardedHeadersFor(req, entry.trustedProxies);
    this.view = view;
    this.clientIp = view.clientIp;
    if (
      (entry.ipDeny?.has(view.clientIp) ?? false) ||
      (entry.ipAllow !== null && !entry.ipAllow.has(view.clientIp))
    ) {
      this.fail('GW_FORBIDDEN', 'requests from your address are not allowed for this API');
      return;
    }

    const origin = req.headers.origin;
    if (entry.cors !== null && method === 'OPTIONS' && origin !== undefined) {
      const requestMethod = req.headers['access-control-request-method'];
      if (typeof requestMethod === 'string') {
        const headers = preflightHeaders(
          entry.cors,
          origin,
          requestMethod,
          req.headers['access-control-request-headers'],
        );
        headers['x-request-id'] = this.requestId;
        this.res.writeHead(204, headers);
        this.res.end();
        return;
      }
    }

    const auth = entry.auth;
    if (auth.type === 'key') {
      this.afterAuth(
        authenticateKey(
          req.headers,
          this.query,
          entry.api.id,
          this.routeId,
          auth.queryParam,
          config,
          current.credentials,
          Date.now(),
        ),
      );
    } else if (auth.type === 'jwt') {
      this.authenticateJwt(entry, config, current.credentials);
    } else {
      this.afterAuth(ANONYMOUS);
    }
  }

  private authenticateJwt(
    entry: CompiledApi,
    config: CompiledConfig,
    credentials: CredentialTable,
  ): void {
    if (entry.auth.type !== 'jwt') return;
    const requirement = {
      apiId: entry.api.id,
      routeId: this.routeId,
      auth: entry.auth,
      scopes: entry.scopes === null ? NO_SCOPES : scopesFor(entry.scopes, this.routeId),
    };
    authenticateJwt(this.req.headers, requirement, config, credentials).then(
      (outcome) => this.afterAuth(outcome),
      (error: unknown) => {
        this.deps.log.error(`jwt authentication failed unexpectedly (${this.requestId})`, error);
        this.fail('GW_INTERNAL', 'internal gateway error');
      },
    );
  }

  private afterAuth(outcome: AuthOutcome): void {
    if (!outcome.ok) {
      this.fail(
        outcome.code,
        outcome.detail,
        outcome.code === 'GW_KEY_MISSING' || outcome.code === 'GW_TOKEN_MISSING'
          ? { 'www-authenticate': 'Bearer' }
          : outcome.code === 'GW_INSUFFICIENT_SCOPE'
            ? { 'www-authenticate': 'Bearer error="insufficient_scope"' }
            : null,
      );
      return;
    }
    this.outcome = outcome;
    this.consumerId = outcome.consumer?.id ?? null;
    this.keyId = outcome.keyId;
    const limiter = this.deps.limiter;
    if (limiter !== null) {
      // Routed and addressed before authentication.
      const check = limitCheckFor(outcome, this.entry as CompiledApi, this.clientIp as string);
      if (check !== null) {
        // Kept for composite routes that count each backend call.
        this.limitCheck = check;
        limiter.submit(check, this);
        return;
      }
    }
    this.forward();
  }

  /** The limiter's answer (LimitWaiter). */
  onLimitDecision(decision: LimitDecision): void {
    if (!decision.allowed) {
      const code: GatewayErrorCode =
        decision.reason === 'quota'
          ? 'GW_QUOTA_EXCEEDED'
          : decision.reason === 'unavailable'
            ? 'GW_LIMITER_UNAVAILABLE'
            : 'GW_RATE_LIMITED';
      this.fail(code, decision.detail ?? GATEWAY_ERRORS[code].title, decision.headers);
      return;
    }
    this.limitHeaders = decision.headers;
    this.forward();
  }

  private forward(): void {
    if (this.res.destroyed) return;
    const entry = this.entry as CompiledApi;
    if (entry.validation !== null && !this.validated) {
      this.validated = true;
      validateRequest(
        this,
        entry.validation,
        {
          apiId: entry.api.id,
          routeId: this.routeId,
          relativePath: this.relativePath,
          query: this.query,
          maxBodyBytes: entry.maxBodyBytes,
        },
        this.deps.metrics,
      );
      return;
    }
    if (this.routeId !== null && entry.aggregates.size > 0) {
      const aggregate = entry.aggregates.get(this.routeId);
      if (aggregate !== undefined) {
        runAggregate(this, entry, aggregate, this.deps);
        return;
      }
    }
    const grpc = entry.service.grpc;
    if (grpc !== null) {
      // gRPC services: the transcoder answers; it reports back through noteUpstream.
      transcodeToGrpc(this, entry, grpc);
      return;
    }
    const method = this.method;
    const cache = this.deps.cache;
    if (
      cache !== null &&
      entry.cacheTtlSeconds !== null &&
      (method === 'GET' || method === 'HEAD') &&
      (this.req as UpgradeRequest)[UPGRADE_HEAD] === undefined
    ) {
      const store = entry.cacheStore === 'redis' ? (cache.redis ?? cache.memory) : cache.memory;
      this.cacheStore = store;
      this.cacheKey = `${entry.api.id}|${this.consumerId ?? ''}|GET|${this.path}?${this.query}`;
      const cacheControl = this.req.headers['cache-control'];
      store.lookup(this.cacheKey, cacheControl, (hit) => this.afterCacheLookup(hit));
      return;
    }
    this.pickAndSend();
  }

  // ValidationHost: the verdict of OpenAPI request validation.

  validationPassed(body: Buffer | null, match: OperationMatch | null): void {
    this.validatedBody = body;
    this.operation = match;
    this.forward();
  }

  validationRefused(violations: readonly Violation[]): void {
    this.errorCode = 'GW_REQUEST_INVALID';
    this.clearTotalTimer();
    const res = this.res;
    if (res.headersSent || res.destroyed) return;
    const body = problemBody(
      'GW_REQUEST_INVALID',
      `the request does not match this API's OpenAPI description (${violations.length} violation${violations.length === 1 ? '' : 's'})`,
      this.requestId,
      { violations },
    );
    res.writeHead(400, {
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      'x-request-id': this.requestId,
      'cache-control': 'no-store',
      // A body left unread cannot be skipped safely on a kept-alive connection.
      ...(this.req.complete ? {} : { connection: 'close' }),
    });
    res.end(body);
  }

  validationBodyTooLarge(limit: number): void {
    this.fail('GW_PAYLOAD_TOO_LARGE', `request body exceeds this API's limit of ${limit} bytes`);
  }

  validationBodyFailed(): void {
    this.fail('GW_BAD_REQUEST', 'the request body ended before it was complete');
  }

  private afterCacheLookup(hit: CachedResponse | null): void {
    if (hit === null) {
      this.pickAndSend();
      return;
    }
    const res = this.res;
    if (res.destroyed) return;
    const entry = this.entry as CompiledApi;
    const headers = hit.headers.slice();
    headers.push('x-cache', 'HIT', 'x-request-id', this.requestId);
    if (this.limitHeaders !== null) pushLimitHeaders(headers, this.limitHeaders);
    const origin = this.req.headers.origin;
    if (entry.cors !== null && origin !== undefined)
      addCorsResponseHeaders(entry.cors, origin, headers);
    res.writeHead(hit.status, headers);
    this.bytesOut = hit.body.length;
    res.end(this.method === 'HEAD' ? undefined : hit.body);
  }

  private pickAndSend(): void {
    const res = this.res;
    if (res.destroyed) return;
    const entry = this.entry as CompiledApi;
    const service = entry.service;
    const req = this.req;
    if (!service.selector.admit()) {
      this.fail(
        'GW_CIRCUIT_OPEN',
        `service ${service.service.name} is failing; the gateway stopped sending it requests for now`,
        {
          'retry-after': String(
            Math.max(1, Math.ceil(service.service.circuitBreaker.openMs / 1000)),
          ),
        },
      );
      return;
    }
    const instance = service.selector.pick(this, req.headers);
    if (instance === null) {
      service.selector.abandon();
      this.fail(
        'GW_NO_HEALTHY_UPSTREAM',
        `no healthy instance of service ${service.service.name}`,
        {
          'retry-after': '1',
        },
      );
      return;
    }
    this.instance = instance;
    this.buildUpstreamRequest();

    const upgradeHead = (req as UpgradeRequest)[UPGRADE_HEAD];
    if (upgradeHead !== undefined) {
      this.forwardUpgrade(instance, upgradeHead);
      return;
    }

    const validatedBody = this.validatedBody;
    const contentLengthHeader = req.headers['content-length'];
    const contentLength = contentLengthHeader === undefined ? -1 : Number(contentLengthHeader);
    if (validatedBody !== null) {
      this.upstreamHeaders.push('content-length', String(validatedBody.length));
      this.bytesIn = validatedBody.length;
    } else if (contentLength > 0 || req.headers['transfer-encoding'] !== undefined) {
      if (contentLength >= 0) {
        this.upstreamHeaders.push('content-length', String(contentLength));
        this.bytesIn = contentLength;
        this.body = req;
      } else {
        const limit = new BodyLimit(entry.maxBodyBytes);
        this.bodyLimit = limit;
        this.body = req.pipe(limit);
        req.once('error', (error) => limit.destroy(error));
      }
    }

    // The service's total timeout covers the whole exchange, retries and body included (the
    // pool enforces connect and first byte per attempt).
    this.totalTimer = setTimeout(onTotalTimeout, service.service.timeouts.totalMs, this);
    this.upstreamStartedAt = performance.now();
    // Retries only replay what can be replayed: a request without a body (a streamed body is
    // never buffered for a second attempt), idempotent unless the service allows otherwise.
    const retries = service.service.retries;
    this.retriesLeft =
      this.body === null &&
      validatedBody === null &&
      (IDEMPOTENT.has(this.method) || retries.retryNonIdempotent)
        ? retries.attempts
        : 0;
    this.send(instance);
  }

  /** The header list and path the upstream receives. */
  private buildUpstreamRequest(): void {
    const req = this.req;
    const entry = this.entry as CompiledApi;
    const outcome = this.outcome as AuthOutcome & { ok: true };
    const view = this.view as ClientView;
    const skip = connectionNamedHeaders(req.headers.connection);
    const raw = req.rawHeaders;
    const headers: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      if (STRIPPED_REQUEST_HEADERS.has(name)) continue;
      if (skip?.has(name)) continue;
      if (name === outcome.credentialHeader) continue;
      headers.push(name, raw[i + 1] as string);
    }
    headers.push(
      'x-forwarded-for',
      view.xForwardedFor,
      'x-forwarded-proto',
      view.xForwardedProto,
      'x-forwarded-host',
      view.xForwardedHost,
      'forwarded',
      view.forwarded,
      'x-request-id',
      this.requestId,
      'traceparent',
      nextTraceparent(req.headers.traceparent),
    );
    const consumer = outcome.consumer;
    if (consumer !== null) {
      headers.push('x-consumer-id', consumer.id, 'x-consumer-name', consumer.name);
      if (outcome.plan !== null) headers.push('x-portico-plan', outcome.plan.plan.name);
    }
    applyHeaderTransform(entry.requestHeaders, headers);
    this.upstreamHeaders = headers;

    let query = this.query;
    if (outcome.credentialQueryParam !== null) {
      const params = new URLSearchParams(query);
      params.delete(outcome.credentialQueryParam);
      query = params.toString();
    }
    const path = entry.api.stripBasePath ? this.relativePath : this.path;
    this.upstreamPath = query.length > 0 ? `${path}?${query}` : path;
  }

  private send(instance: UpstreamInstance): void {
    this.instance = instance;
    this.upstreamActive = true;
    this.discardForRetry = false;
    const entry = this.entry as CompiledApi;
    entry.service.poolFor(instance).dispatch(
      {
        method: this.method as Dispatcher.HttpMethod,
        path: this.upstreamPath,
        headers: this.upstreamHeaders,
        body: this.validatedBody ?? this.body,
      },
      this,
    );
  }

  // undici dispatch handler: the upstream attempt's events.

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.clientGone) controller.abort(CLIENT_GONE);
    else if (this.timedOut) controller.abort(new TotalTimeoutError('total timeout'));
    else this.upstream = controller;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    upstreamHeaders: IncomingHttpHeaders,
  ): void {
    // Interim 1xx answers are not relayed; the final response follows on the same exchange.
    if (statusCode < 200) return;
    const entry = this.entry as CompiledApi;
    const selector = entry.service.selector;
    const instance = this.instance as UpstreamInstance;
    this.upstreamMs = performance.now() - this.upstreamStartedAt;
    if (statusCode >= 500) {
      selector.reportFailure(instance);
      if (entry.service.service.retries.onStatuses.includes(statusCode)) {
        const next = this.nextInstance(instance);
        if (next !== null) {
          // Read the failed answer to its end (keeping the connection), then try the next one.
          this.discardForRetry = true;
          this.retryInstance = next;
          return;
        }
      }
    } else selector.reportSuccess(instance);

    const res = this.res;
    if (res.destroyed) {
      controller.pause();
      return;
    }
    // undici reports header names in lower case and repeated headers as arrays; each value is
    // forwarded as its own header line.
    let connectionNamed: Set<string> | null = null;
    const headers: string[] = [];
    let cacheControl: string | undefined;
    for (const name in upstreamHeaders) {
      const value = upstreamHeaders[name];
      if (value === undefined) continue;
      if (HOP_BY_HOP.has(name)) {
        if (name === 'connection') connectionNamed = connectionNamedHeaders(String(value));
        continue;
      }
      if (typeof value === 'string') {
        if (name === 'cache-control') cacheControl = value;
        headers.push(name, value);
      } else {
        // Repeated Cache-Control lines are one list (RFC 9111): every directive counts.
        if (name === 'cache-control') cacheControl = value.join(', ');
        for (let i = 0; i < value.length; i++) headers.push(name, value[i] as string);
      }
    }
    if (connectionNamed !== null) {
      for (let i = headers.length - 2; i >= 0; i -= 2)
        if (connectionNamed.has(headers[i] as string)) headers.splice(i, 2);
    }
    applyHeaderTransform(entry.responseHeaders, headers);
    headers.push('x-request-id', this.requestId);
    if (this.limitHeaders !== null) pushLimitHeaders(headers, this.limitHeaders);
    const origin = this.req.headers.origin;
    if (entry.cors !== null && origin !== undefined)
      addCorsResponseHeaders(entry.cors, origin, headers);
    if (this.cacheKey !== null) {
      headers.push('x-cache', 'MISS');
      // Only a GET fills the entry: a HEAD answer has no body to serve a later GET with.
      if (statusCode === 200 && this.method === 'GET' && this.cacheStore !== null) {
        this.capture = this.cacheStore.begin(
          this.cacheKey,
          statusCode,
          headers,
          cacheControl,
          entry.cacheTtlSeconds ?? 0,
        );
      }
    }
    const operation = this.operation;
    if (
      operation !== null &&
      entry.validation?.reportResponses === true &&
      isJsonResponse(upstreamHeaders['content-type'])
    )
      this.responseCheck = new ResponseCheck(entry.validation.validator, operation, statusCode);
    this.responding = true;
    res.writeHead(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.discardForRetry) return;
    this.bytesOut += chunk.length;
    this.capture?.push(chunk);
    this.responseCheck?.push(chunk);
    const res = this.res;
    if (res.destroyed) {
      controller.pause();
      return;
    }
    if (res.write(chunk)) return;
    // Backpressure: undici stops reading the upstream until the client drains.
    controller.pause();
    res.once('drain', onResponseDrain);
  }

  /** The client drained after backpressure: read the upstream again. */
  resumeUpstream(): void {
    this.upstream?.resume();
  }

  onResponseEnd(): void {
    this.upstreamActive = false;
    this.upstream = null;
    if (this.bodyLimit !== null) this.bytesIn = this.bodyLimit.bytes;
    if (this.discardForRetry) {
      const next = this.retryInstance as UpstreamInstance;
      this.retryInstance = null;
      if (this.res.destroyed) {
        (this.entry as CompiledApi).service.selector.release(next);
        return;
      }
      this.send(next);
      return;
    }
    this.clearTotalTimer();
    this.capture?.end();
    this.capture = null;
    this.res.end();
    if (this.responseCheck !== null) {
      // After the client has its response: report-only never delays or changes it.
      this.responseCheck.finish((this.entry as CompiledApi).api.id, this.deps.metrics);
      this.responseCheck = null;
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.upstreamActive = false;
    this.upstream = null;
    if (this.bodyLimit !== null) this.bytesIn = this.bodyLimit.bytes;
    this.capture?.abort();
    this.capture = null;
    const entry = this.entry as CompiledApi;
    const service = entry.service;
    const instance = this.instance as UpstreamInstance;
    if (this.retryInstance !== null) {
      // The discarded answer failed mid-body: the retry goes ahead regardless.
      const next = this.retryInstance;
      this.retryInstance = null;
      this.discardForRetry = false;
      if (!this.clientGone && !this.timedOut) {
        this.send(next);
        return;
      }
      service.selector.release(next);
    }
    if (this.clientGone || error === CLIENT_GONE) {
      if (!this.responding) service.selector.release(instance);
      return;
    }
    if (this.responding) {
      // The upstream failed mid-body: the client's response is cut short.
      this.clearTotalTimer();
      this.res.destroy();
      return;
    }
    if (this.timedOut || error instanceof TotalTimeoutError) {
      service.selector.reportFailure(instance);
      this.fail(
        'GW_UPSTREAM_TIMEOUT',
        `service ${service.service.name} did not finish within ${service.service.timeouts.totalMs} ms`,
      );
      return;
    }
    if (
      error instanceof BodyTooLargeError ||
      (error as { cause?: unknown }).cause instanceof BodyTooLargeError
    ) {
      service.selector.release(instance);
      this.fail(
        'GW_PAYLOAD_TOO_LARGE',
        `request body exceeds this API's limit of ${entry.maxBodyBytes} bytes`,
      );
      return;
    }
    service.selector.reportFailure(instance);
    if (RETRYABLE_ERRORS.has((error as { code?: string }).code ?? '')) {
      const next = this.nextInstance(instance);
      if (next !== null) {
        this.send(next);
        return;
      }
    }
    const code = upstreamErrorCode(error);
    this.fail(
      code,
      code === 'GW_UPSTREAM_TIMEOUT'
        ? `service ${service.service.name} did not answer in time`
        : `service ${service.service.name} could not be reached`,
    );
  }

  /** Another instance for a retry, within the retry count, the budget and the total timeout. */
  private nextInstance(from: UpstreamInstance): UpstreamInstance | null {
    if (this.retriesLeft <= 0 || this.res.destroyed || this.timedOut) return null;
    const service = (this.entry as CompiledApi).service;
    if (performance.now() - this.upstreamStartedAt >= service.service.timeouts.totalMs) return null;
    if (!service.selector.tryRetry()) return null;
    const next = service.selector.pick(this, this.req.headers, from);
    if (next !== null) this.retriesLeft--;
    return next;
  }

  onTotalTimeout(): void {
    this.totalTimer = null;
    this.timedOut = true;
    if (this.upstream !== null) {
      const upstream = this.upstream;
      this.upstream = null;
      upstream.abort(new TotalTimeoutError('total timeout'));
    } else if (this.responding) {
      this.res.destroy();
    }
  }

  private clearTotalTimer(): void {
    if (this.totalTimer !== null) {
      clearTimeout(this.totalTimer);
      this.totalTimer = null;
    }
  }

  /**
   * WebSocket: the same routing, policies, auth and limits as any request, then an upgrade to
   * the upstream; on its 101 the two sockets are joined and bytes flow both ways untouched.
   */
  private forwardUpgrade(instance: UpstreamInstance, head: Buffer): void {
    const service = (this.entry as CompiledApi).service;
    const req = this.req;
    const res = this.res;
    const clientSocket = req.socket;
    this.upstreamStartedAt = performance.now();
    service
      .poolFor(instance)
      .upgrade({
        path: this.upstreamPath,
        method: 'GET',
        headers: this.upstreamHeaders,
        protocol: req.headers.upgrade ?? 'websocket',
      })
      .then(
        ({ headers: upstreamHeaders, socket: upstreamSocket }) => {
          this.upstreamMs = performance.now() - this.upstreamStartedAt;
          service.selector.reportSuccess(instance);
          if (clientSocket.destroyed) {
            upstreamSocket.destroy();
            return;
          }
          let head101 = 'HTTP/1.1 101 Switching Protocols\r\n';
          for (const name in upstreamHeaders) {
            const value = upstreamHeaders[name];
            for (const v of Array.isArray(value) ? value : [value])
              if (v !== undefined) head101 += `${name}: ${v}\r\n`;
          }
          head101 += `x-request-id: ${this.requestId}\r\n\r\n`;
          // The 101 is written by hand: mark the exchange answered for metrics and analytics.
          res.statusCode = 101;
          (res as { _header?: string })._header = head101;
          res.detachSocket(clientSocket);
          clientSocket.write(head101);
          if (head.length > 0) upstreamSocket.write(head);
          clientSocket.on('data', (chunk: Buffer) => {
            this.bytesIn += chunk.length;
          });
          upstreamSocket.on('data', (chunk: Buffer) => {
            this.bytesOut += chunk.length;
          });
          const closeBoth = () => {
            clientSocket.destroy();
            upstreamSocket.destroy();
            res.emit('close');
          };
          clientSocket.once('close', closeBoth);
          upstreamSocket.once('close', closeBoth);
          clientSocket.on('error', closeBoth);
          upstreamSocket.on('error', closeBoth);
          clientSocket.pipe(upstreamSocket);
          upstreamSocket.pipe(clientSocket);
        },
        (error: unknown) => {
          service.selector.reportFailure(instance);
          const code = upstreamErrorCode(error);
          this.fail(code, `service ${service.service.name} did not accept the WebSocket upgrade`);
        },
      );
  }

  get apiId(): string {
    return (this.entry as CompiledApi).api.id;
  }

  /** A transcoded call's upstream attempt, for metrics and analytics (TranscodeHost). */
  noteUpstream(outcome: UpstreamOutcome): void {
    this.instance = outcome.instance;
    this.upstreamMs = outcome.upstreamMs;
    this.bytesIn = outcome.bytesIn;
    this.bytesOut = outcome.bytesOut;
    this.errorCode = outcome.errorCode;
  }

  fail(code: GatewayErrorCode, detail: string, extra?: Record<string, string> | null): void {
    this.errorCode = code;
    this.clearTotalTimer();
    // A body left unread cannot be skipped safely on a kept-alive connection: close it instead.
    const headers = this.req.complete ? extra : { ...extra, connection: 'close' };
    sendProblem(this.res, code, detail, this.requestId, headers);
  }

  /** The response is over (sent, or the client went away): stop the upstream, count, record. */
  onResponseClose(): void {
    if (this.finished) return;
    this.finished = true;
    const res = this.res;
    // writableEnded, not writableFinished: the latter is still false while the socket flushes.
    if (!res.writableEnded) {
      this.clientGone = true;
      this.capture?.abort();
      this.capture = null;
      if (this.upstream !== null) {
        const upstream = this.upstream;
        this.upstream = null;
        upstream.abort(CLIENT_GONE);
      } else if (this.upstreamActive && this.body !== null) {
        // A body still streaming to an upstream that has not answered: stop feeding it.
        this.body.destroy();
      }
    }
    this.clearTotalTimer();
    const deps = this.deps;
    deps.metrics.inFlight--;
    const totalMs = performance.now() - this.startedAt;
    const status = res.headersSent ? res.statusCode : 499;
    deps.metrics.observe(status, this.errorCode, totalMs);
    const entry = this.entry;
    if (entry === null && this.errorCode === 'GW_NOT_READY') return;
    deps.analytics.record({
      time: Math.round(Date.now() - totalMs),
      requestId: this.requestId,
      apiId: entry?.api.id ?? null,
      routeId: this.routeId,
      serviceId: entry?.api.serviceId ?? null,
      instance: this.instance?.id ?? null,
      consumerId: this.consumerId,
      keyId: this.keyId,
      method: this.method,
      status,
      totalMs,
      upstreamMs: this.upstreamMs,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      clientIp: this.clientIp,
      errorCode: this.errorCode,
    });
  }
}
