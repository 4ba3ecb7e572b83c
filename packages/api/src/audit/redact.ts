/** Keys whose values never reach the audit log, at any depth. */
const SECRET_KEY_PATTERN = /password|secret|token|hash|credential|clear|sealed|privatekey|apikey/i;
/** Flags about secrets (`hasCredentials`) say nothing secret and stay readable. */
const FLAG_KEY_PATTERN = /^has[A-Z]/;

function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key) && !FLAG_KEY_PATTERN.test(key);
}

export const REDACTED = '[redacted]';

/**
 * A JSON-safe copy of `value` with secret-looking fields replaced, so before/after snapshots can
 * be stored and shown without leaking what was sealed or hashed.
 */
export function redactForAudit(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((item) => redactForAudit(item));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner === undefined) continue;
      out[key] = isSecretKey(key) && inner !== null ? REDACTED : redactForAudit(inner);
    }
    return out;
  }
  return value;
}
