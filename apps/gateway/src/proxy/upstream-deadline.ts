import type { Exchange } from './exchange';

/**
 * The upstream exchange's deadlines on one timer per request: the attempt's first byte (the
 * service's `firstByteMs`, from when the attempt is written) and the whole exchange (`totalMs`,
 * retries and body included).
 *
 * undici could enforce the first byte itself, but its parser timers of a second or more are
 * objects kept in a list until its half-second clock sweeps them: two per request (headers,
 * then body), every one outliving a young-generation collection or two and promoted to the old
 * generation. Under load they were most of what the gateway promoted, so the proxy's dispatches
 * turn undici's timers off and the exchange keeps its own. The timer is re-armed only when it
 * fires early for a slow exchange.
 */

/** The gateway gave up on the upstream: the whole exchange ran past the service's total timeout. */
export class TotalTimeoutError extends Error {}

/** The attempt's upstream sent no response headers within the service's first-byte timeout. */
export class FirstByteTimeoutError extends Error {
  readonly code = 'UND_ERR_HEADERS_TIMEOUT';
}

/** Arms the exchange's timer when its upstream request begins (before the first attempt). */
export function armUpstreamDeadline(ex: Exchange, now: number): void {
  const timeouts = ex.entry?.service.service.timeouts;
  if (timeouts === undefined) return;
  ex.upstreamStartedAt = now;
  // The attempt is written at or after this moment, so its first byte is due no sooner.
  setDeadline(ex, Math.min(now + timeouts.firstByteMs, now + timeouts.totalMs), now);
}

/** An attempt was written to its connection: its first byte is now due. */
export function attemptWritten(ex: Exchange, now: number): void {
  const timeouts = ex.entry?.service.service.timeouts;
  if (timeouts === undefined) return;
  ex.firstByteDue = now + timeouts.firstByteMs;
  // A retry after a response began (a discarded 5xx) may find the timer set for the total.
  if (ex.totalTimer !== null && ex.deadlineAt > ex.firstByteDue)
    setDeadline(ex, ex.firstByteDue, now);
}

/** The attempt's response headers arrived: no first byte is due any more. */
export function firstByteArrived(ex: Exchange): void {
  ex.firstByteDue = 0;
}

export function clearTotalTimer(ex: Exchange): void {
  if (ex.totalTimer !== null) {
    clearTimeout(ex.totalTimer);
    ex.totalTimer = null;
  }
}

function setDeadline(ex: Exchange, at: number, now: number): void {
  clearTotalTimer(ex);
  ex.deadlineAt = at;
  ex.totalTimer = setTimeout(onDeadline, Math.max(1, Math.ceil(at - now)), ex);
}

function onDeadline(ex: Exchange): void {
  ex.totalTimer = null;
  const timeouts = ex.entry?.service.service.timeouts;
  if (timeouts === undefined) return;
  const now = performance.now();
  // Timers may fire a fraction of a millisecond early against performance.now().
  const totalDue = ex.upstreamStartedAt + timeouts.totalMs;
  if (now >= totalDue - 1) {
    onTotalTimeout(ex);
    return;
  }
  if (ex.firstByteDue !== 0 && now >= ex.firstByteDue - 1) {
    ex.firstByteDue = 0;
    const upstream = ex.upstream;
    if (upstream !== null) {
      // The failure path answers the client and clears the timer.
      ex.upstream = null;
      upstream.abort(new FirstByteTimeoutError('first byte timeout'));
      return;
    }
  }
  // Not yet written (still connecting): the first byte is due at least firstByteMs from now.
  const next =
    ex.firstByteDue !== 0
      ? ex.firstByteDue
      : ex.upstreamActive && !ex.responding && ex.upstream === null
        ? now + timeouts.firstByteMs
        : totalDue;
  setDeadline(ex, Math.min(next, totalDue), now);
}

function onTotalTimeout(ex: Exchange): void {
  ex.timedOut = true;
  if (ex.upstream !== null) {
    const upstream = ex.upstream;
    ex.upstream = null;
    upstream.abort(new TotalTimeoutError('total timeout'));
  } else if (ex.responding) {
    ex.res.destroy();
  }
}
