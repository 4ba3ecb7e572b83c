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
    '# HELP portico_gateway_basic_kdf_runs_total Password hashes computed to verify Basic credentials.',
    '# TYPE portico_gateway_basic_kdf_runs_total counter',
    `portico_gateway_basic_kdf_runs_total ${m.basicKdfRuns}`,
    '# HELP portico_gateway_basic_cache_hits_total Basic verifications answered from the cache.',
    '# TYPE portico_gateway_basic_cache_hits_total counter',
    `portico_gateway_basic_cache_hits_total ${m.basicCacheHits}`,
    '# HELP portico_gateway_basic_verifier_busy_total Basic verifications refused because too many were waiting for a KDF run.',
    '# TYPE portico_gateway_basic_verifier_busy_total counter',
    `portico_gateway_basic_verifier_busy_total ${m.basicVerifierBusy}`,
    '# HELP portico_gateway_introspection_requests_total Token introspection requests sent.',
    '# TYPE portico_gateway_introspection_requests_total counter',
    `portico_gateway_introspection_requests_total ${m.introspectionCalls}`,
    '# HELP portico_gateway_introspection_cache_hits_total Introspections answered from the cache.',
    '# TYPE portico_gateway_introspection_cache_hits_total counter',
    `portico_gateway_introspection_cache_hits_total ${m.introspectionCacheHits}`,
    '# HELP portico_gateway_introspection_failures_total Introspections that failed (answered 503).',
    '# TYPE portico_gateway_introspection_failures_total counter',
    `portico_gateway_introspection_failures_total ${m.introspectionFailures}`,
    '# HELP portico_gateway_signature_replays_total Signed requests refused as replays.',
    '# TYPE portico_gateway_signature_replays_total counter',
    `portico_gateway_signature_replays_total ${m.signatureReplays}`,
    '# HELP portico_gateway_replay_guard_evictions_total Signatures forgotten before their validity window ended (guard full).',
    '# TYPE portico_gateway_replay_guard_evictions_total counter',
    `portico_gateway_replay_guard_evictions_total ${m.replayGuardEvictions}`,
    '# HELP portico_gateway_digest_mismatches_total Request bodies not matching their signed Content-Digest.',
    '# TYPE portico_gateway_digest_mismatches_total counter',
    `portico_gateway_digest_mismatches_total ${m.digestMismatches}`,
    '',
  ].join('\n');
}
