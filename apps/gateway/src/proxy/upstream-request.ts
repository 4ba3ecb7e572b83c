import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { DigestCheck, digestMatches, isDigestMismatch } from '../auth/signatures/content-digest';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import { BodyLimit, isBodyTooLarge } from './body-limit';
import type { AdmittedExchange, Exchange } from './exchange';
import { upgradeHeadOf } from './exchange-links';
import { bodyTooLargeDetail } from './request-limits';
import {
  armUpstreamDeadline,
  attemptWritten,
  clearTotalTimer,
  TotalTimeoutError,
} from './upstream-deadline';
import { upstreamHeadersFor, upstreamPathFor } from './upstream-headers';
import { IDEMPOTENT, RETRYABLE_ERRORS, upstreamErrorCode } from './upstream-policy';
import { forwardUpgrade } from './websocket-relay';

/** The client went away: the upstream exchange is no longer wanted. */
class ClientGoneError extends Error {}
export const CLIENT_GONE = new ClientGoneError('the client closed the connection');

/**
 * The upstream request: the circuit breaker and the balancer's pick, the request line and
 * headers, the body (declared, chunked and counted, or the one validation read), the service's
 * total timeout and how many retries this request may take; then the first attempt.
 */
export function pickAndSend(ex: AdmittedExchange): void {
  const res = ex.res;
  if (res.destroyed) return;
  const entry = ex.entry;
  const service = entry.service;
  const req = ex.req;
  if (!service.selector.admit()) {
    ex.fail(
      'GW_CIRCUIT_OPEN',
      `service ${service.service.name} is failing; the gateway stopped sending it requests for now`,
      {
        'retry-after': String(Math.max(1, Math.ceil(service.service.circuitBreaker.openMs / 1000))),
      },
    );
    return;
  }
  const instance = service.selector.pick(ex, req.headers);
  if (instance === null) {
    service.selector.abandon();
    ex.fail('GW_NO_HEALTHY_UPSTREAM', `no healthy instance of service ${service.service.name}`, {
      'retry-after': '1',
    });
    return;
  }
  ex.instance = instance;
  ex.upstreamHeaders = upstreamHeadersFor(ex);
  ex.upstreamPath = upstreamPathFor(ex);

  const upgradeHead = upgradeHeadOf(req);
  if (upgradeHead !== undefined) {
    forwardUpgrade(ex, instance, upgradeHead);
    return;
  }

  const validatedBody = ex.validatedBody;
  const contentLengthHeader = req.headers['content-length'];
  const contentLength = contentLengthHeader === undefined ? -1 : Number(contentLengthHeader);
  const digest = ex.bodyDigest;
  if (validatedBody !== null) {
    if (digest !== null && !digestMatches(validatedBody, digest)) {
      service.selector.release(instance);
      ex.fail('GW_DIGEST_MISMATCH', digestMismatchDetail(digest.label));
      return;
    }
    ex.upstreamHeaders.push('content-length', String(validatedBody.length));
    ex.bytesIn = validatedBody.length;
  } else if (contentLength > 0 || req.headers['transfer-encoding'] !== undefined) {
    let body: Readable = req;
    if (contentLength >= 0) {
      ex.upstreamHeaders.push('content-length', String(contentLength));
      ex.bytesIn = contentLength;
    } else {
      const limit = new BodyLimit(entry.maxBodyBytes);
      ex.bodyLimit = limit;
      body = req.pipe(limit);
      req.once('error', (error) => limit.destroy(error));
    }
    if (digest !== null) {
      // Holds back the last chunk until the digest matches: a mismatch aborts the upstream
      // request before its body is complete (see DigestCheck).
      const check = new DigestCheck(digest);
      const source = body;
      body = source.pipe(check);
      source.once('error', (error) => check.destroy(error));
    }
    ex.body = body;
  }

  // The service's total timeout covers the whole exchange, retries and body included; the
  // first-byte timeout each attempt (the pool enforces connect).
  armUpstreamDeadline(ex, performance.now());
  // Retries only replay what can be replayed: a request without a body (a streamed body is
  // never buffered for a second attempt), idempotent unless the service allows otherwise.
  const retries = service.service.retries;
  ex.retriesLeft =
    ex.body === null &&
    validatedBody === null &&
    (IDEMPOTENT.has(ex.method) || retries.retryNonIdempotent)
      ? retries.attempts
      : 0;
  send(ex, instance);
}

/** One attempt at `instance`; the exchange itself handles undici's events for it. */
export function send(ex: AdmittedExchange, instance: UpstreamInstance): void {
  ex.instance = instance;
  ex.upstreamActive = true;
  ex.discardForRetry = false;
  ex.entry.service.poolFor(instance).dispatch(
    {
      method: ex.method as Dispatcher.HttpMethod,
      path: ex.upstreamPath,
      headers: ex.upstreamHeaders,
      body: ex.validatedBody ?? ex.body,
      // The exchange keeps the first-byte and total deadlines itself (upstream-deadline.ts).
      headersTimeout: 0,
      bodyTimeout: 0,
    },
    ex,
  );
}

/** Another instance for a retry, within the retry count, the budget and the total timeout. */
export function nextInstance(
  ex: AdmittedExchange,
  from: UpstreamInstance,
): UpstreamInstance | null {
  if (ex.retriesLeft <= 0 || ex.res.destroyed || ex.timedOut) return null;
  const service = ex.entry.service;
  if (performance.now() - ex.upstreamStartedAt >= service.service.timeouts.totalMs) return null;
  if (!service.selector.tryRetry()) return null;
  const next = service.selector.pick(ex, ex.req.headers, from);
  if (next !== null) ex.retriesLeft--;
  return next;
}

/** undici began the attempt: keep its controller, or stop it at once when no longer wanted. */
export function upstreamStarted(ex: Exchange, controller: Dispatcher.DispatchController): void {
  if (ex.clientGone) controller.abort(CLIENT_GONE);
  else if (ex.timedOut) controller.abort(new TotalTimeoutError('total timeout'));
  else {
    ex.upstream = controller;
    attemptWritten(ex, performance.now());
  }
}

/**
 * The attempt failed before or while answering: retry another instance when the failure says
 * the upstream never took the request, cut a response already under way, or answer with the
 * problem (timeout, body too large, unreachable).
 */
export function upstreamFailed(ex: AdmittedExchange, error: Error): void {
  ex.upstreamActive = false;
  ex.upstream = null;
  if (ex.bodyLimit !== null) ex.bytesIn = ex.bodyLimit.bytes;
  ex.capture?.abort();
  ex.capture = null;
  const entry = ex.entry;
  const service = entry.service;
  const instance = ex.instance as UpstreamInstance;
  if (ex.retryInstance !== null) {
    // The discarded answer failed mid-body: the retry goes ahead regardless.
    const next = ex.retryInstance;
    ex.retryInstance = null;
    ex.discardForRetry = false;
    if (!ex.clientGone && !ex.timedOut) {
      send(ex, next);
      return;
    }
    service.selector.release(next);
  }
  if (ex.clientGone || error === CLIENT_GONE) {
    if (!ex.responding) service.selector.release(instance);
    return;
  }
  if (ex.responding) {
    // The upstream failed mid-body: the client's response is cut short.
    clearTotalTimer(ex);
    ex.res.destroy();
    return;
  }
  if (ex.timedOut || error instanceof TotalTimeoutError) {
    service.selector.reportFailure(instance);
    ex.fail(
      'GW_UPSTREAM_TIMEOUT',
      `service ${service.service.name} did not finish within ${service.service.timeouts.totalMs} ms`,
    );
    return;
  }
  if (isDigestMismatch(error)) {
    service.selector.release(instance);
    ex.fail('GW_DIGEST_MISMATCH', digestMismatchDetail(ex.bodyDigest?.label ?? 'sha-256'));
    return;
  }
  if (isBodyTooLarge(error)) {
    service.selector.release(instance);
    ex.fail('GW_PAYLOAD_TOO_LARGE', bodyTooLargeDetail(entry.maxBodyBytes));
    return;
  }
  service.selector.reportFailure(instance);
  if (RETRYABLE_ERRORS.has((error as { code?: string }).code ?? '')) {
    const next = nextInstance(ex, instance);
    if (next !== null) {
      send(ex, next);
      return;
    }
  }
  const code = upstreamErrorCode(error);
  ex.fail(
    code,
    code === 'GW_UPSTREAM_TIMEOUT'
      ? `service ${service.service.name} did not answer in time`
      : `service ${service.service.name} could not be reached`,
  );
}

function digestMismatchDetail(label: string): string {
  return `the request body does not match its Content-Digest (${label}); the upstream request was abandoned before the body completed`;
}
