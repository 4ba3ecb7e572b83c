import { singleSample } from '../status/prometheus-text';
/**
 * Counters of the authentication caches, process-wide like the caches they count (verifications
 * and introspections are shared by every config version). Rendered on /metrics.
 */
export const authMetrics = {
  /** Password hashes computed (a scrypt run each) to verify Basic credentials. */
  basicKdfRuns: 0,
  /** Basic verifications answered from the cache, with no KDF run. */
  basicCacheHits: 0,
  /** Basic verifications refused (503) because too many were waiting for a KDF run. */
  basicVerifierBusy: 0,
  /** Introspection requests sent to authorization servers. */
  introspectionCalls: 0,
  /** Introspections answered from the cache (active or negative). */
  introspectionCacheHits: 0,
  /** Introspections that failed (timeout, unreachable, bad answer): answered 503. */
  introspectionFailures: 0,
  /** Signed requests refused because their signature was already used (replays). */
  signatureReplays: 0,
  /** Signatures the replay guard forgot before their window ended (it was full): replays of those go unnoticed. */
  replayGuardEvictions: 0,
  /** Bodies that did not match the Content-Digest their signature covers. */
  digestMismatches: 0,
};

/** Prometheus text of `authMetrics`. */
export function authMetricsText(): string {
  const m = authMetrics;
  return [
    ...singleSample(
      'portico_gateway_basic_kdf_runs_total',
      'counter',
      'Password hashes computed to verify Basic credentials.',
      m.basicKdfRuns,
    ),
    ...singleSample(
      'portico_gateway_basic_cache_hits_total',
      'counter',
      'Basic verifications answered from the cache.',
      m.basicCacheHits,
    ),
    ...singleSample(
      'portico_gateway_basic_verifier_busy_total',
      'counter',
      'Basic verifications refused because too many were waiting for a KDF run.',
      m.basicVerifierBusy,
    ),
    ...singleSample(
      'portico_gateway_introspection_requests_total',
      'counter',
      'Token introspection requests sent.',
      m.introspectionCalls,
    ),
    ...singleSample(
      'portico_gateway_introspection_cache_hits_total',
      'counter',
      'Introspections answered from the cache.',
      m.introspectionCacheHits,
    ),
    ...singleSample(
      'portico_gateway_introspection_failures_total',
      'counter',
      'Introspections that failed (answered 503).',
      m.introspectionFailures,
    ),
    ...singleSample(
      'portico_gateway_signature_replays_total',
      'counter',
      'Signed requests refused as replays.',
      m.signatureReplays,
    ),
    ...singleSample(
      'portico_gateway_replay_guard_evictions_total',
      'counter',
      'Signatures forgotten before their validity window ended (guard full).',
      m.replayGuardEvictions,
    ),
    ...singleSample(
      'portico_gateway_digest_mismatches_total',
      'counter',
      'Request bodies not matching their signed Content-Digest.',
      m.digestMismatches,
    ),
    '',
  ].join('\n');
}
