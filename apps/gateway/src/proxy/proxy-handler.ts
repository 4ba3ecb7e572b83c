import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { AnalyticsRecorder } from '@portico/analytics';
import type { Dispatcher } from 'undici';
import { ANONYMOUS, type AuthOutcome } from '../auth/auth-outcome';
import { authenticateJwt } from '../auth/jwt-auth';
import { authenticateKey } from '../auth/key-auth';
import type { CompiledApi } from '../config/compiled-config';
import type { RuntimeState } from '../config/runtime-state';
import {
  GATEWAY_ERRORS,
  type GatewayErrorCode,
  PROBLEM_CONTENT_TYPE,
  problemBody,
} from '../errors/gateway-errors';
import type { LimitDecision, Limiter } from '../limits/limiter-types';
import { addCorsResponseHeaders, preflightHeaders } from '../policies/cors';
import { applyHeaderTransform } from '../policies/header-transform';
import type { ResponseCache } from '../policies/response-cache';
import type { GatewayMetrics } from '../status/gateway-metrics';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import { forwardedHeaders } from './forwarded-headers';
import { connectionNamedHeaders, HOP_BY_HOP } from './hop-by-hop';
import { isUnderBasePath, normalisePath } from './path-normaliser';
import { nextTraceparent, requestIdFrom } from './request-identity';

export interface ProxyDeps {
  runtime: RuntimeState;
  limiter: Limiter | null;
  analytics: AnalyticsRecorder;
  metrics: GatewayMetrics;
  cache: ResponseCache | null;
  log: { error(message: string, error?: unknown): void };
}

/** Request headers the gateway owns: never forwarded as the client sent them. */
const REPLACED_REQUEST_HEADERS = new Set([
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

/** Methods retried by default: repeating them has the same effect as sending them once. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Failures where the upstream most likely never processed the request: worth another instance. */
const RETRYABLE_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** Set on requests that arrived through the server's 'upgrade' event: the bytes read past the headers. */
export const UPGRADE_HEAD = Symbol('portico.upgradeHead');
type UpgradeRequest = IncomingMessage & { [UPGRADE_HEAD]?: Buffer };

/** Per-request facts the analytics event and the error path need. */
interface Exchange {
  requestId: string;
  startedAt: number;
  upstreamStartedAt: number;
  upstreamMs: number | null;
  entry: CompiledApi | null;
  routeId: string | null;
  instance: UpstreamInstance | null;
  consumerId: string | null;
  keyId: string | null;
  clientIp: string | null;
  bytesIn: number;
  bytesOut: number;
  errorCode: GatewayErrorCode | null;
  limitHeaders: Record<string, string> | null;
}

class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

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

export function sendProblem(
  res: ServerResponse,
  code: GatewayErrorCode,
  detail: string,
  requestId: string,
  extraHeaders?: Record<string, string> | null,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = problemBody(code, detail, requestId);
  const headers: Record<string, string | number> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'cache-control': 'no-store',
  };
  if (extraHeaders) Object.assign(headers, extraHeaders);
  res.writeHead(GATEWAY_ERRORS[code].status, headers);
  res.end(body);
}

function upstreamErrorCode(error: unknown): GatewayErrorCode {
  const code = (error as { code?: string }).code;
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return 'GW_UPSTREAM_TIMEOUT';
  }
  return 'GW_UPSTREAM_UNAVAILABLE';
}

/**
 * The proxy hot path: normalise, route, policies, authenticate, limit, forward, stream back.
 * Reads the runtime reference once, so a config swap mid-request changes nothing for it.
 */
export function createProxyHandler(
  deps: ProxyDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { runtime, metrics, analytics } = deps;

  function finish(req: IncomingMessage, res: ServerResponse, ex: Exchange): void {
    metrics.inFlight--;
    const totalMs = performance.now() - ex.startedAt;
    const status = res.headersSent ? res.statusCode : 499;
    metrics.observe(status, ex.errorCode, totalMs);
    if (ex.entry === null && ex.errorCode === 'GW_NOT_READY') return;
    analytics.record({
      time: Math.round(Date.now() - totalMs),
      requestId: ex.requestId,
      apiId: ex.entry?.api.id ?? null,
      routeId: ex.routeId,
      serviceId: ex.entry?.api.serviceId ?? null,
      instance: ex.instance?.id ?? null,
      consumerId: ex.consumerId,
      keyId: ex.keyId,
      method: req.method ?? 'GET',
      status,
      totalMs,
      upstreamMs: ex.upstreamMs,
      bytesIn: ex.bytesIn,
      bytesOut: ex.bytesOut,
      clientIp: ex.clientIp,
      errorCode: ex.errorCode,
    });
  }

  function fail(
    req: IncomingMessage,
    res: ServerResponse,
    ex: Exchange,
    code: GatewayErrorCode,
    detail: string,
    extra?: Record<string, string> | null,
  ): void {
    ex.errorCode = code;
    // A body left unread cannot be skipped safely on a kept-alive connection: close it instead.
    const headers = req.complete ? extra : { ...extra, connection: 'close' };
    sendProblem(res, code, detail, ex.requestId, headers);
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const ex: Exchange = {
      requestId: requestIdFrom(req.headers['x-request-id']),
      startedAt: performance.now(),
      upstreamStartedAt: 0,
      upstreamMs: null,
      entry: null,
      routeId: null,
      instance: null,
      consumerId: null,
      keyId: null,
      clientIp: null,
      bytesIn: 0,
      bytesOut: 0,
      errorCode: null,
      limitHeaders: null,
    };
    metrics.inFlight++;
    res.once('close', () => finish(req, res, ex));

    const current = runtime.current;
    const config = current.config;
    if (config === null) {
      fail(
        req,
        res,
        ex,
        'GW_NOT_READY',
        'the gateway has not loaded a configuration yet; retry shortly',
        { 'retry-after': '5' },
      );
      return;
    }
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
    const normalised = normalisePath(rawPath);
    if (!normalised.ok) {
      fail(req, res, ex, 'GW_BAD_REQUEST', normalised.reason);
      return;
    }
    const method = req.method ?? 'GET';
    const match = config.router.match(req.headers.host, method, normalised.path);
    if (match.kind !== 'matched') {
      if (match.kind === 'no-route') ex.entry = match.entry;
      fail(req, res, ex, 'GW_ROUTE_NOT_FOUND', `no route matches ${method} ${normalised.path}`);
      return;
    }
    const entry = match.entry;
    ex.entry = entry;
    ex.routeId = match.route.id === '' ? null : match.route.id;
    if (normalised.hadDots && !isUnderBasePath(normalised.beforeDots, entry.api.basePath)) {
      fail(req, res, ex, 'GW_BAD_REQUEST', 'the path uses ".." to leave the API base path');
      return;
    }
    if (headerBytes(req.rawHeaders) > entry.maxHeaderBytes) {
      fail(
        req,
        res,
        ex,
        'GW_HEADERS_TOO_LARGE',
        `request headers exceed this API's limit of ${entry.maxHeaderBytes} bytes`,
      );
      return;
    }
    const contentLengthHeader = req.headers['content-length'];
    const contentLength = contentLengthHeader === undefined ? -1 : Number(contentLengthHeader);
    if (contentLength > entry.maxBodyBytes) {
      fail(
        req,
        res,
        ex,
        'GW_PAYLOAD_TOO_LARGE',
        `request body exceeds this API's limit of ${entry.maxBodyBytes} bytes`,
      );
      return;
    }

    const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const view = forwardedHeaders(
      req.headers,
      req.socket.remoteAddress ?? '',
      proto,
      entry.trustedProxies,
    );
    ex.clientIp = view.clientIp;
    if (
      (entry.ipDeny?.has(view.clientIp) ?? false) ||
      (entry.ipAllow !== null && !entry.ipAllow.has(view.clientIp))
    ) {
      fail(req, res, ex, 'GW_FORBIDDEN', 'requests from your address are not allowed for this API');
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
        headers['x-request-id'] = ex.requestId;
        res.writeHead(204, headers);
        res.end();
        return;
      }
    }

    const auth = entry.auth;
    if (auth.type === 'key') {
      const outcome = authenticateKey(
        req.headers,
        query,
        entry.api.id,
        auth.queryParam,
        config,
        current.credentials,
        Date.now(),
      );
      afterAuth(outcome);
    } else if (auth.type === 'jwt') {
      authenticateJwt(req.headers, entry.api.id, auth, config, current.credentials).then(
        afterAuth,
        (error: unknown) => {
          deps.log.error(`jwt authentication failed unexpectedly (${ex.requestId})`, error);
          fail(req, res, ex, 'GW_INTERNAL', 'internal gateway error');
        },
      );
    } else {
      afterAuth(ANONYMOUS);
    }

    function afterAuth(outcome: AuthOutcome): void {
      if (!outcome.ok) {
        fail(
          req,
          res,
          ex,
          outcome.code,
          outcome.detail,
          outcome.code === 'GW_KEY_MISSING' || outcome.code === 'GW_TOKEN_MISSING'
            ? { 'www-authenticate': 'Bearer' }
            : null,
        );
        return;
      }
      ex.consumerId = outcome.consumer?.id ?? null;
      ex.keyId = outcome.keyId;
      const limiter = deps.limiter;
      const plan = outcome.plan?.plan ?? null;
      if (limiter !== null && plan !== null && (plan.rateLimit !== null || plan.quota !== null)) {
        limiter
          .check({
            planId: plan.id,
            subject: outcome.consumer?.id ?? `ip:${view.clientIp}`,
            rateLimit: plan.rateLimit,
            quota: plan.quota,
            failurePolicy: plan.redisFailurePolicy,
          })
          .then(
            (decision) => afterLimit(outcome, decision),
            (error: unknown) => {
              deps.log.error(`limiter failed unexpectedly (${ex.requestId})`, error);
              fail(
                req,
                res,
                ex,
                'GW_LIMITER_UNAVAILABLE',
                'the rate limiter is unavailable; retry shortly',
                { 'retry-after': '1' },
              );
            },
          );
        return;
      }
      const anonymousLimit = entry.api.policies.anonymousRateLimit;
      if (limiter !== null && outcome.consumer === null && anonymousLimit !== undefined) {
        limiter
          .check({
            planId: `anon:${entry.api.id}`,
            subject: `ip:${view.clientIp}`,
            rateLimit: anonymousLimit,
            quota: null,
            failurePolicy: 'open',
          })
          .then(
            (decision) => afterLimit(outcome, decision),
            (error: unknown) => {
              deps.log.error(`limiter failed unexpectedly (${ex.requestId})`, error);
              fail(
                req,
                res,
                ex,
                'GW_LIMITER_UNAVAILABLE',
                'the rate limiter is unavailable; retry shortly',
                { 'retry-after': '1' },
              );
            },
          );
        return;
      }
      forward(outcome);
    }

    function afterLimit(outcome: AuthOutcome & { ok: true }, decision: LimitDecision): void {
      if (!decision.allowed) {
        const code: GatewayErrorCode =
          decision.reason === 'quota'
            ? 'GW_QUOTA_EXCEEDED'
            : decision.reason === 'unavailable'
              ? 'GW_LIMITER_UNAVAILABLE'
              : 'GW_RATE_LIMITED';
        fail(req, res, ex, code, decision.detail ?? GATEWAY_ERRORS[code].title, decision.headers);
        return;
      }
      ex.limitHeaders = decision.headers;
      forward(outcome);
    }

    function forward(outcome: AuthOutcome & { ok: true }): void {
      if (res.destroyed) return;
      const service = entry.service;
      const cacheable =
        deps.cache !== null &&
        entry.cacheTtlSeconds !== null &&
        (method === 'GET' || method === 'HEAD');
      const cacheKey = cacheable
        ? `${entry.api.id}|${outcome.consumer?.id ?? ''}|${method === 'HEAD' ? 'GET' : method}|${normalised.ok ? normalised.path : ''}?${query}`
        : null;
      if (cacheKey !== null && deps.cache !== null) {
        const hit = deps.cache.get(cacheKey, req.headers['cache-control']);
        if (hit !== null) {
          const headers: Record<string, string | string[]> = {
            ...hit.headers,
            'x-cache': 'HIT',
            'x-request-id': ex.requestId,
          };
          if (ex.limitHeaders) Object.assign(headers, ex.limitHeaders);
          if (entry.cors !== null && origin !== undefined)
            addCorsResponseHeaders(entry.cors, origin, headers);
          res.writeHead(hit.status, headers);
          ex.bytesOut = hit.body.length;
          res.end(method === 'HEAD' ? undefined : hit.body);
          return;
        }
      }

      if (!service.selector.admit()) {
        fail(
          req,
          res,
          ex,
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
      const instance = service.selector.pick(ex, req.headers);
      if (instance === null) {
        service.selector.abandon();
        fail(
          req,
          res,
          ex,
          'GW_NO_HEALTHY_UPSTREAM',
          `no healthy instance of service ${service.service.name}`,
          { 'retry-after': '1' },
        );
        return;
      }
      ex.instance = instance;

      const skip = connectionNamedHeaders(req.headers.connection);
      const raw = req.rawHeaders;
      const headers: string[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const name = (raw[i] as string).toLowerCase();
        if (HOP_BY_HOP.has(name) || REPLACED_REQUEST_HEADERS.has(name)) continue;
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
        ex.requestId,
        'traceparent',
        nextTraceparent(req.headers.traceparent),
      );
      if (outcome.consumer !== null) {
        headers.push(
          'x-consumer-id',
          outcome.consumer.id,
          'x-consumer-name',
          outcome.consumer.name,
        );
        if (outcome.plan !== null) headers.push('x-portico-plan', outcome.plan.plan.name);
      }
      if (!entry.requestHeaders.empty)
        transformFlat(headers, entry.requestHeaders.remove, entry.requestHeaders.add);

      let upstreamQuery = query;
      if (outcome.credentialQueryParam !== null) {
        const params = new URLSearchParams(query);
        params.delete(outcome.credentialQueryParam);
        upstreamQuery = params.toString();
      }
      const relative = match.kind === 'matched' ? match.relativePath : '/';
      const upstreamPath =
        (entry.api.stripBasePath ? relative : normalised.ok ? normalised.path : '/') +
        (upstreamQuery.length > 0 ? `?${upstreamQuery}` : '');

      const upgradeHead = (req as UpgradeRequest)[UPGRADE_HEAD];
      if (upgradeHead !== undefined) {
        forwardUpgrade(instance, headers, upstreamPath, upgradeHead);
        return;
      }

      const hasBody = contentLength > 0 || req.headers['transfer-encoding'] !== undefined;
      let body: IncomingMessage | BodyLimit | null = null;
      let limiterStream: BodyLimit | null = null;
      if (hasBody) {
        if (contentLength >= 0) {
          headers.push('content-length', String(contentLength));
          ex.bytesIn = contentLength;
          body = req;
        } else {
          limiterStream = new BodyLimit(entry.maxBodyBytes);
          body = req.pipe(limiterStream);
          req.once('error', (error) => limiterStream?.destroy(error));
        }
      }

      const abort = new AbortController();
      // The service's total timeout covers the whole exchange, retries and body included (the
      // pool enforces connect and first byte per attempt).
      let timedOut = false;
      const totalTimer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, service.service.timeouts.totalMs);
      res.once('close', () => {
        clearTimeout(totalTimer);
        // writableEnded, not writableFinished: the latter is still false while the socket flushes.
        if (!res.writableEnded) abort.abort();
      });
      ex.upstreamStartedAt = performance.now();
      // Retries only replay what can be replayed: a request without a body (a streamed body is
      // never buffered for a second attempt), idempotent unless the service allows otherwise.
      const retries = service.service.retries;
      let retriesLeft =
        body === null && (IDEMPOTENT.has(method) || retries.retryNonIdempotent)
          ? retries.attempts
          : 0;
      const mayRetry = (from: UpstreamInstance): UpstreamInstance | null => {
        if (retriesLeft <= 0 || res.destroyed) return null;
        if (performance.now() - ex.upstreamStartedAt >= service.service.timeouts.totalMs)
          return null;
        if (!service.selector.tryRetry()) return null;
        const next = service.selector.pick(ex, req.headers, from);
        if (next !== null) retriesLeft--;
        return next;
      };
      send(instance);

      function send(instance: UpstreamInstance): void {
        ex.instance = instance;
        const pool = service.poolFor(instance);
        pool.request(
          {
            method: method as Dispatcher.HttpMethod,
            path: upstreamPath,
            headers,
            body,
            signal: abort.signal,
          },
          (error, data) => {
            if (limiterStream !== null) ex.bytesIn = limiterStream.bytes;
            if (error) {
              if (abort.signal.aborted) {
                if (!timedOut) {
                  service.selector.release(instance);
                  return;
                }
                service.selector.reportFailure(instance);
                fail(
                  req,
                  res,
                  ex,
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
                fail(
                  req,
                  res,
                  ex,
                  'GW_PAYLOAD_TOO_LARGE',
                  `request body exceeds this API's limit of ${entry.maxBodyBytes} bytes`,
                );
                return;
              }
              service.selector.reportFailure(instance);
              if (RETRYABLE_ERRORS.has((error as { code?: string }).code ?? '')) {
                const next = mayRetry(instance);
                if (next !== null) {
                  send(next);
                  return;
                }
              }
              const code = upstreamErrorCode(error);
              fail(
                req,
                res,
                ex,
                code,
                code === 'GW_UPSTREAM_TIMEOUT'
                  ? `service ${service.service.name} did not answer in time`
                  : `service ${service.service.name} could not be reached`,
              );
              return;
            }
            ex.upstreamMs = performance.now() - ex.upstreamStartedAt;
            if (data.statusCode >= 500) {
              service.selector.reportFailure(instance);
              if (retries.onStatuses.includes(data.statusCode)) {
                const next = mayRetry(instance);
                if (next !== null) {
                  data.body.dump().catch(() => undefined);
                  send(next);
                  return;
                }
              }
            } else service.selector.reportSuccess(instance);
            respond(data, cacheKey);
          },
        );
      }
    }

    /**
     * WebSocket: the same routing, policies, auth and limits as any request, then an upgrade to
     * the upstream; on its 101 the two sockets are joined and bytes flow both ways untouched.
     */
    function forwardUpgrade(
      instance: UpstreamInstance,
      headers: string[],
      upstreamPath: string,
      head: Buffer,
    ): void {
      const service = entry.service;
      const clientSocket = req.socket;
      ex.upstreamStartedAt = performance.now();
      service
        .poolFor(instance)
        .upgrade({
          path: upstreamPath,
          method: 'GET',
          headers,
          protocol: req.headers.upgrade ?? 'websocket',
        })
        .then(
          ({ headers: upstreamHeaders, socket: upstreamSocket }) => {
            ex.upstreamMs = performance.now() - ex.upstreamStartedAt;
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
            head101 += `x-request-id: ${ex.requestId}\r\n\r\n`;
            // The 101 is written by hand: mark the exchange answered for metrics and analytics.
            res.statusCode = 101;
            (res as { _header?: string })._header = head101;
            res.detachSocket(clientSocket);
            clientSocket.write(head101);
            if (head.length > 0) upstreamSocket.write(head);
            clientSocket.on('data', (chunk: Buffer) => {
              ex.bytesIn += chunk.length;
            });
            upstreamSocket.on('data', (chunk: Buffer) => {
              ex.bytesOut += chunk.length;
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
            fail(
              req,
              res,
              ex,
              code,
              `service ${service.service.name} did not accept the WebSocket upgrade`,
            );
          },
        );
    }

    function respond(data: Dispatcher.ResponseData, cacheKey: string | null): void {
      const upstreamHeaders = data.headers;
      const skip = connectionNamedHeaders(upstreamHeaders.connection);
      const headers: Record<string, string | string[]> = {};
      for (const name in upstreamHeaders) {
        if (HOP_BY_HOP.has(name) || skip?.has(name)) continue;
        const value = upstreamHeaders[name];
        if (value !== undefined) headers[name] = value;
      }
      const entry = ex.entry as CompiledApi; // set before forwarding
      applyHeaderTransform(entry.responseHeaders, headers);
      headers['x-request-id'] = ex.requestId;
      if (ex.limitHeaders) Object.assign(headers, ex.limitHeaders);
      if (entry.cors !== null && origin !== undefined)
        addCorsResponseHeaders(entry.cors, origin, headers);
      if (cacheKey !== null) headers['x-cache'] = 'MISS';
      res.writeHead(data.statusCode, headers);
      const upstreamBody = data.body;
      if (cacheKey !== null && deps.cache !== null && data.statusCode === 200) {
        deps.cache.capture(
          cacheKey,
          data.statusCode,
          headers,
          upstreamHeaders['cache-control'],
          entry.cacheTtlSeconds ?? 0,
          upstreamBody,
        );
      }
      upstreamBody.on('data', (chunk: Buffer) => {
        ex.bytesOut += chunk.length;
      });
      // pipe, not stream.pipeline: pipeline builds and aborts an AbortController per call, a
      // measurable cost on the hot path. A client that goes away aborts the upstream exchange
      // through the request's signal; an upstream that fails mid-body cuts the response short.
      upstreamBody.once('error', () => res.destroy());
      upstreamBody.pipe(res);
    }
  };
}

/** Header transforms on the flat [name, value, …] list sent upstream. */
function transformFlat(
  headers: string[],
  remove: ReadonlySet<string>,
  add: readonly (readonly [string, string])[],
): void {
  if (remove.size > 0 || add.length > 0) {
    const replaced = new Set<string>(remove);
    for (const [name] of add) replaced.add(name);
    for (let i = headers.length - 2; i >= 0; i -= 2) {
      if (replaced.has(headers[i] as string)) headers.splice(i, 2);
    }
    for (const [name, value] of add) headers.push(name, value);
  }
}
