import { randomBytes } from 'node:crypto';

/** Every prefix Portico issues; one closed list so ids say what they name. */
export const ID_PREFIXES = {
  api: 'api',
  route: 'rte',
  service: 'svc',
  registry: 'reg',
  plan: 'pln',
  consumer: 'con',
  subscription: 'sub',
  key: 'key',
  user: 'usr',
  session: 'ses',
  token: 'tok',
  configVersion: 'cfv',
  node: 'dpn',
  audit: 'aud',
  request: 'req',
  batch: 'bat',
  invite: 'inv',
  quotaNotification: 'qnt',
  secret: 'sec',
  certificate: 'crt',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

// Crockford base32: sorts the same as the time it encodes, and avoids look-alike letters.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** `prefix_` + 10 chars of millisecond time + 16 random chars: unique, and sortable by creation. */
export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${encodeTime(now)}${encodeRandom(16)}`;
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET.charAt(byte % 32);
  return out;
}

/** True when `value` is an id of `kind` as `newId` makes them. */
export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}
