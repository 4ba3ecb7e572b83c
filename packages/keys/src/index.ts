import { createHash, randomBytes } from 'node:crypto';

/**
 * Secret formats. The readable prefix lets secret scanners and people recognise a leaked key;
 * the trailing checksum lets a gateway reject a mistyped or made-up key without a lookup.
 */
export const SECRET_PREFIXES = {
  apiKey: 'pk_',
  personalToken: 'pat_',
  dataPlaneToken: 'pdp_',
  registryToken: 'prg_',
  bootstrap: 'pat_',
} as const;
export type SecretKind = keyof typeof SECRET_PREFIXES;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
/** How many characters of a secret are kept in clear to find it again ("pk_3fK9aQ…"). */
export const VISIBLE_START_LENGTH = 8;

export interface GeneratedSecret {
  /** Shown once to the person who created it, never stored. */
  clear: string;
  /** Lower-case hex SHA-256 of `clear`: the only form stored. */
  hash: string;
  /** Prefix plus the first characters of the body, safe to display and search by. */
  start: string;
}

/** Makes a new secret of `kind` with 190 bits of randomness. */
export function generateSecret(kind: SecretKind): GeneratedSecret {
  const prefix = SECRET_PREFIXES[kind];
  const bytes = randomBytes(BODY_LENGTH);
  let body = '';
  for (const byte of bytes) body += BASE62.charAt(byte % 62);
  const clear = `${prefix}${body}${checksum(body)}`;
  return {
    clear,
    hash: hashSecret(clear),
    start: clear.slice(0, prefix.length + VISIBLE_START_LENGTH),
  };
}

/** SHA-256 hex of the clear secret. Keys are random enough that a slow hash buys nothing. */
export function hashSecret(clear: string): string {
  return createHash('sha256').update(clear).digest('hex');
}

/**
 * Cheap structural check before any lookup: right prefix, right length, right alphabet and a
 * checksum that matches. Runs on the gateway hot path, so it allocates nothing beyond the slice.
 */
export function isWellFormedSecret(kind: SecretKind, value: string): boolean {
  const prefix = SECRET_PREFIXES[kind];
  if (value.length !== prefix.length + BODY_LENGTH + CHECKSUM_LENGTH) return false;
  if (!value.startsWith(prefix)) return false;
  for (let i = prefix.length; i < value.length; i++) {
    if (BASE62.indexOf(value.charAt(i)) === -1) return false;
  }
  const body = value.slice(prefix.length, prefix.length + BODY_LENGTH);
  return value.endsWith(checksum(body));
}

/** FNV-1a over the body, six base62 characters. A typo check, not a security measure. */
function checksum(body: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) {
    hash ^= body.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out += BASE62.charAt(hash % 62);
    hash = Math.floor(hash / 62) + i * 7919;
  }
  return out;
}

export * from './password-hash';
