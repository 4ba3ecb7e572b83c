import { createHash } from 'node:crypto';
import type { CredentialSecret } from '@portico/config';
import { verifyPassword } from '@portico/keys';
import { BoundedMap } from '../limits/bounded-map';
import { authMetrics } from './auth-metrics';

/** Bounds of the verification cache: a client sends the same pair on every request. */
export const VERIFICATION_CACHE_ENTRIES = 10_000;
export const VERIFICATION_TTL_MS = 60_000;
/**
 * Distinct verifications waiting for a KDF run at once. scrypt runs on libuv's thread pool (4
 * threads), which DNS lookups and file access share: past this, a flood of made-up passwords is
 * refused with 503 rather than queued without end.
 */
export const MAX_PENDING_VERIFICATIONS = 256;

/** The verifier is saturated: too many distinct pairs are waiting for a KDF run. */
export const VERIFIER_BUSY = 'busy';

interface Verdict {
  ok: boolean;
  untilMs: number;
}

/**
 * Verifies Basic passwords without running the KDF per request. Verdicts are cached by SHA-256
 * of (credential id, its hash, the presented password), never the password itself; including the
 * stored hash means a changed password never matches an old verdict. A revoked or expired
 * credential never gets here (the credential table is consulted first on every request), so the
 * cache cannot outlive a revocation. Concurrent verifications of one pair share one KDF run,
 * which runs on libuv's thread pool, off the event loop.
 */
export class PasswordVerifications {
  private readonly verdicts = new BoundedMap<string, Verdict>(VERIFICATION_CACHE_ENTRIES);
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(private readonly maxPending = MAX_PENDING_VERIFICATIONS) {}

  /**
   * The verdict now (cached) or later (a KDF run, shared with concurrent callers), or
   * VERIFIER_BUSY when too many distinct verifications are already waiting.
   */
  verify(
    credential: CredentialSecret,
    password: string,
    nowMs: number,
  ): boolean | Promise<boolean> | typeof VERIFIER_BUSY {
    const key = createHash('sha256')
      .update(credential.id)
      .update('\0')
      .update(credential.verifier ?? '')
      .update('\0')
      .update(password)
      .digest('base64');
    const cached = this.verdicts.get(key);
    if (cached !== undefined && cached.untilMs > nowMs) {
      authMetrics.basicCacheHits++;
      return cached.ok;
    }
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return inFlight;
    if (this.pending.size >= this.maxPending) {
      authMetrics.basicVerifierBusy++;
      return VERIFIER_BUSY;
    }
    authMetrics.basicKdfRuns++;
    const run = verifyPassword(credential.verifier ?? '', password).then(
      (ok) => {
        this.pending.delete(key);
        this.verdicts.set(key, { ok, untilMs: Date.now() + VERIFICATION_TTL_MS });
        return ok;
      },
      (error: unknown) => {
        this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, run);
    return run;
  }
}

/** One per process: verdicts stay valid across config versions and credential changes. */
export const passwordVerifications = new PasswordVerifications();
