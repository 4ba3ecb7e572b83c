import { limiterEpochKey, restoreMarkerKeys } from '@portico/config';
import { LeaseBook } from './lease-book.js';
import { deliver, LEASE_REFILL, UNLIMITED } from './limit-waiters.js';
import { LimiterBatcher } from './limiter-batcher.js';
import { LimiterFailurePolicy } from './limiter-failure-policy.js';
import { LimiterMetrics } from './limiter-metrics.js';
import { limiterSettings } from './limiter-options.js';
import { LivePeers } from './limiter-peers.js';
import { LimiterTransport } from './limiter-transport.js';
import type {
  LimitCheck,
  LimitDecision,
  Limiter,
  LimiterOptions,
  LimitWaiter,
} from './limiter-types.js';
import { SubjectKeyCache, type SubjectKeys } from './subject-keys.js';

/**
 * Plan rate limits and quotas, counted in Redis, with the plan's failure policy deciding whenever
 * Redis is unavailable (connection lost, circuit open, or no answer within the `maxWaitMs`
 * ceiling): 'open' admits under a bounded local limiter, 'closed' refuses with reason
 * 'unavailable'. A reply that is only slow (later than `budgetMs`) is waited for and used.
 *
 * Built from parts with one job each: the connection and its scripts (limiter-transport.ts), the
 * batch of each event-loop turn (limiter-batcher.ts), the leases handed out from Redis's answers
 * (lease-book.ts), and what happens without Redis (limiter-failure-policy.ts). This function
 * wires them and runs the per-request path, `submit`, which allocates nothing but the batch's
 * array slots. Neither `submit` nor `check` throws, and every waiter hears back once.
 */
export function createLimiter(opts: LimiterOptions): Limiter {
  const settings = limiterSettings(opts);
  const transport = new LimiterTransport(opts.redis, {
    cluster: opts.cluster === true,
    maxBatchSize: settings.maxBatchSize,
    injectedNow: settings.injectedNow,
  });
  const keyCache = new SubjectKeyCache(
    settings.keyPrefix,
    settings.maxLocalEntries,
    transport.cluster,
  );
  const epochKey = limiterEpochKey(settings.keyPrefix);
  const peers =
    transport.redis === null
      ? null
      : new LivePeers(transport.redis, settings.keyPrefix, {
          intervalMs: settings.peersIntervalMs,
          markerKey: epochKey,
          onMarkerSeen: opts.onRestoreMarkerSeen,
          // A process that admitted on its own during an outage but gets no request afterwards
          // still charges those admissions once Redis answers its heartbeat.
          onAnswer: () => {
            if (policy.failOpen.hasPendingCharges) batcher.scheduleFlush();
          },
        });
  const metrics = new LimiterMetrics();
  const policy = new LimiterFailurePolicy(settings, metrics, () => peers?.count ?? 1);
  peers?.start();
  const leases = new LeaseBook(settings, metrics, () => batcher.scheduleFlush());
  // On a cluster a call may touch one slot only: there each slot has its own marker, which the
  // worker writes with the main one (restoreMarkerKeys).
  const slotMarkers = transport.cluster ? restoreMarkerKeys(settings.keyPrefix) : null;
  /**
   * Whether calls carry the restore marker: once this process has seen it (or when told to
   * require it), a Redis without it lost its data, and counting from zero would reset quotas.
   */
  const restoreGuard = () => settings.requireRestoreMarker || peers?.markerSeen === true;
  const batcher = new LimiterBatcher({
    settings,
    transport,
    policy,
    leases,
    metrics,
    restoreGuardKey: (slot) =>
      restoreGuard() ? (slotMarkers === null ? epochKey : (slotMarkers[slot] ?? epochKey)) : null,
  });
  transport.connect(batcher);

  /** Queues a check that only reserves the subject's next lease (no request waits on it). */
  function requestRefill(keys: SubjectKeys, req: LimitCheck, now: number): void {
    if (transport.closed || !transport.ready || batcher.full) return;
    if (policy.breaker.isOpen(now)) return;
    const want = leases.want(keys, now);
    // Demand has dropped: the lease runs out and the next request asks Redis itself.
    if (want < 2) return;
    keys.leasing = true;
    batcher.enqueue(req, keys, LEASE_REFILL, -want);
  }

  function submit(req: LimitCheck, waiter: LimitWaiter): void {
    if (req.rateLimit === null && req.quota === null) {
      deliver(waiter, UNLIMITED, metrics);
      return;
    }
    const keys = keyCache.get(req.planId, req.subject);
    if (leases.enabled) {
      keys.demand += 1;
      const lease = keys.lease;
      if (lease !== null) {
        // Admitted from the subject's lease; near its end a refill is sent ahead, so a busy
        // subject's requests keep being admitted here while it is on its way.
        const now = performance.now();
        if (leases.take(lease, req, now)) {
          if (leases.halfUsed(lease) && !keys.leasing) requestRefill(keys, req, now);
          deliver(waiter, leases.decision(req, lease), metrics);
          return;
        }
      }
    }
    const skip = policy.skipCause(transport, batcher.full);
    if (skip !== null) {
      deliver(waiter, policy.decide(req, keys, skip), metrics);
      return;
    }
    let want = 1;
    if (leases.enabled && !keys.leasing) {
      want = leases.want(keys, performance.now());
      if (want > 1) keys.leasing = true;
    }
    batcher.enqueue(req, keys, waiter, want);
  }

  return {
    submit,
    check: (req) =>
      new Promise<LimitDecision>((resolve) => submit(req, { onLimitDecision: resolve })),
    metricsText: () =>
      metrics.render({
        localSubjects: policy.local.size,
        keyCacheEntries: keyCache.size,
        inFlight: batcher.inFlight,
        leases: leases.size,
        circuitOpen: policy.breaker.openGauge(performance.now()),
        circuitOpened: policy.breaker.opened,
        livePeers: peers?.count ?? 1,
        restoreGuard: restoreGuard() ? 1 : 0,
        pendingCharges: policy.failOpen.pendingCharges,
      }),
    async close() {
      transport.closed = true;
      // Leases' leftovers go back now, so a stopping gateway leaves no admission counted unused.
      leases.close();
      await batcher.sendReturns();
      await policy.sendCharges(transport);
      await peers?.stop();
      policy.local.clear();
      keyCache.clear();
    },
  };
}
