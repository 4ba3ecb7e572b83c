import type { Exchange } from './exchange';
import { clearTotalTimer } from './upstream-deadline';
import { CLIENT_GONE } from './upstream-request';

/**
 * The response is over (sent, or the client went away): stop the upstream if it still runs,
 * then count the exchange in the metrics and record its analytics event. Runs once.
 */
export function finishExchange(ex: Exchange): void {
  if (ex.finished) return;
  ex.finished = true;
  const res = ex.res;
  // writableEnded, not writableFinished: the latter is still false while the socket flushes.
  if (!res.writableEnded) {
    ex.clientGone = true;
    ex.capture?.abort();
    ex.capture = null;
    if (ex.upstream !== null) {
      const upstream = ex.upstream;
      ex.upstream = null;
      upstream.abort(CLIENT_GONE);
    } else if (ex.upstreamActive && ex.body !== null) {
      // A body still streaming to an upstream that has not answered: stop feeding it.
      ex.body.destroy();
    }
  }
  clearTotalTimer(ex);
  const deps = ex.deps;
  deps.metrics.inFlight--;
  const totalMs = performance.now() - ex.startedAt;
  const status = ex.answeredStatus ?? (res.headersSent ? res.statusCode : 499);
  deps.metrics.observe(status, ex.errorCode, totalMs);
  const entry = ex.entry;
  // A gateway without a configuration has nothing to attribute the request to.
  if (entry === null && ex.errorCode === 'GW_NOT_READY') return;
  deps.analytics.record({
    time: Math.round(Date.now() - totalMs),
    requestId: ex.requestId,
    apiId: entry?.api.id ?? null,
    routeId: ex.routeId,
    serviceId: entry?.api.serviceId ?? null,
    instance: ex.instance?.id ?? null,
    consumerId: ex.consumerId,
    keyId: ex.keyId,
    method: ex.method,
    status,
    totalMs,
    upstreamMs: ex.upstreamMs,
    bytesIn: ex.bytesIn,
    bytesOut: ex.bytesOut,
    clientIp: ex.clientIp,
    errorCode: ex.errorCode ?? ex.reportedCode,
  });
}
