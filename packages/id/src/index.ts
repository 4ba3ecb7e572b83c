import { randomBytes, randomFillSync } from 'node:crypto';

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
  credential: 'cred',
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

/**
 * A generator of ids of one kind for hot paths that mint one per request. Ids keep `newId`'s
 * shape and order, as monotonic ULIDs do: within one millisecond the time prefix and a random
 * 10-character stem are reused and a 6-character counter (started at a random value) counts up,
 * so an id costs a few string operations instead of a system call for random bytes. Each
 * millisecond (and each process) draws a fresh random stem, so ids from different processes do
 * not collide. Past 2^30 ids in one millisecond the stem is redrawn.
 */
export function createIdSequence(kind: IdKind, clock: () => number = Date.now): () => string {
  const prefix = `${ID_PREFIXES[kind]}_`;
  // Random bytes are drawn 4 KB at a time: one call per millisecond would cost more than the ids.
  const random = Buffer.alloc(14 * 292);
  let randomOffset = random.length;
  let lastMs = -1;
  let head = '';
  let counter = 0;
  const counterLimit = 32 ** 6;
  const redraw = (now: number) => {
    if (randomOffset + 14 > random.length) {
      randomFillSync(random);
      randomOffset = 0;
    }
    let stem = '';
    for (let i = 0; i < 10; i++) stem += ALPHABET.charAt((random[randomOffset + i] as number) % 32);
    head = prefix + encodeTime(now) + stem;
    // Start low in the counter's range so a burst in one millisecond rarely needs a redraw.
    counter = random.readUInt32LE(randomOffset + 10) % (counterLimit / 2);
    randomOffset += 14;
  };
  return () => {
    const now = clock();
    if (now !== lastMs || counter >= counterLimit) {
      lastMs = now;
      redraw(now);
    }
    const n = counter++;
    return (
      head +
      ALPHABET.charAt((n >>> 25) & 31) +
      ALPHABET.charAt((n >>> 20) & 31) +
      ALPHABET.charAt((n >>> 15) & 31) +
      ALPHABET.charAt((n >>> 10) & 31) +
      ALPHABET.charAt((n >>> 5) & 31) +
      ALPHABET.charAt(n & 31)
    );
  };
}

/** True when `value` is an id of `kind` as `newId` makes them. */
export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}
