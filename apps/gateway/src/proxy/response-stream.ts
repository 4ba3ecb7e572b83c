import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { applyHeaderTransform } from '../policies/header-transform';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import { isJsonResponse, ResponseCheck } from '../validation/response-check';
import { beginCapture } from './cache-stage';
import type { AdmittedExchange } from './exchange';
import { EXCHANGE, type ExchangeResponse } from './exchange-links';
import { connectionNamedHeaders, HOP_BY_HOP } from './hop-by-hop';
import { addGatewayHeaders } from './response-headers';
import { clearTotalTimer, firstByteArrived } from './upstream-deadline';
import { nextInstance, send } from './upstream-request';

/** The client drained after backpressure: read the upstream again. */
function onResponseDrain(this: ExchangeResponse): void {
  this[EXCHANGE]?.upstream?.resume();
}

/**
 * Copies the upstream's headers into `headers` as a flat list, less hop-by-hop ones and those
 * its Connection header names; returns its Cache-Control. undici reports names in lower case
 * and repeated headers as arrays; each value is forwarded as its own header line.
 */
function relayedHeaders(
  upstreamHeaders: IncomingHttpHeaders,
  headers: string[],
): string | undefined {
  let connectionNamed: Set<string> | null = null;
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
  return cacheControl;
}

/**
 * The upstream answered: passive health, a retry on a status the service retries, else the
 * status line and headers go to the client (with the cache capture and report-only response
 * validation set up for the body).
 */
export function responseStart(
  ex: AdmittedExchange,
  controller: Dispatcher.DispatchController,
  statusCode: number,
  upstreamHeaders: IncomingHttpHeaders,
): void {
  // Interim 1xx answers are not relayed; the final response follows on the same exchange.
  if (statusCode < 200) return;
  firstByteArrived(ex);
  const entry = ex.entry;
  const selector = entry.service.selector;
  const instance = ex.instance as UpstreamInstance;
  ex.upstreamMs = performance.now() - ex.upstreamStartedAt;
  if (statusCode >= 500) {
    selector.reportFailure(instance);
    if (entry.service.service.retries.onStatuses.includes(statusCode)) {
      const next = nextInstance(ex, instance);
      if (next !== null) {
        // Read the failed answer to its end (keeping the connection), then try the next one.
        ex.discardForRetry = true;
        ex.retryInstance = next;
        return;
      }
    }
  } else selector.reportSuccess(instance);

  const res = ex.res;
  if (res.destroyed) {
    controller.pause();
    return;
  }
  const headers: string[] = [];
  const cacheControl = relayedHeaders(upstreamHeaders, headers);
  applyHeaderTransform(entry.responseHeaders, headers);
  addGatewayHeaders(ex, entry, headers);
  if (ex.cacheKey !== null) {
    headers.push('x-cache', 'MISS');
    if (statusCode === 200) beginCapture(ex, headers, cacheControl);
  }
  const operation = ex.operation;
  if (
    operation !== null &&
    entry.validation?.reportResponses === true &&
    isJsonResponse(upstreamHeaders['content-type'])
  )
    ex.responseCheck = new ResponseCheck(entry.validation.validator, operation, statusCode);
  ex.responding = true;
  res.writeHead(statusCode, headers);
}

/** A body chunk: to the cache capture, the response check and the client, with backpressure. */
export function responseData(
  ex: AdmittedExchange,
  controller: Dispatcher.DispatchController,
  chunk: Buffer,
): void {
  if (ex.discardForRetry) return;
  ex.bytesOut += chunk.length;
  ex.capture?.push(chunk);
  ex.responseCheck?.push(chunk);
  const res = ex.res;
  if (res.destroyed) {
    controller.pause();
    return;
  }
  if (res.write(chunk)) return;
  // Backpressure: undici stops reading the upstream until the client drains.
  controller.pause();
  res.once('drain', onResponseDrain);
}

/** The upstream's body ended: the retry a discarded answer was read for, or the end of the response. */
export function responseEnd(ex: AdmittedExchange): void {
  ex.upstreamActive = false;
  ex.upstream = null;
  if (ex.bodyLimit !== null) ex.bytesIn = ex.bodyLimit.bytes;
  if (ex.discardForRetry) {
    const next = ex.retryInstance as UpstreamInstance;
    ex.retryInstance = null;
    if (ex.res.destroyed) {
      ex.entry.service.selector.release(next);
      return;
    }
    send(ex, next);
    return;
  }
  clearTotalTimer(ex);
  ex.capture?.end();
  ex.capture = null;
  ex.res.end();
  if (ex.responseCheck !== null) {
    // After the client has its response: report-only never delays or changes it.
    ex.responseCheck.finish(ex.entry.api.id, ex.deps.metrics);
    ex.responseCheck = null;
  }
}
