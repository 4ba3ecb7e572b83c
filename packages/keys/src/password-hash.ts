import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes for Basic credentials: scrypt (node:crypto, no native dependency) in a
 * self-describing PHC-style string, `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt b64>$<hash b64>`,
 * so parameters can be raised later without breaking stored hashes.
 */
export const PASSWORD_HASH_PATTERN =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88}={0,2})\$([A-Za-z0-9+/]{43,88}={0,2})$/;

/** N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per hash, the OWASP-listed floor. */
const DEFAULT_LOG_N = 15;
const DEFAULT_R = 8;
const DEFAULT_P = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** Bounds on parameters read from a stored hash, so a hash cannot make verification cost a DoS. */
const MIN_LOG_N = 10;
const MAX_LOG_N = 20;
const MAX_R = 16;
const MAX_P = 4;

export interface PasswordHashParams {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** Parses a stored hash; null when it is not one this module accepts (format or bounds). */
export function parsePasswordHash(stored: string): PasswordHashParams | null {
  const match = PASSWORD_HASH_PATTERN.exec(stored);
  if (match === null) return null;
  const [, ln, r, p, salt, hash] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const params = {
    logN: Number(ln),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
  if (params.logN < MIN_LOG_N || params.logN > MAX_LOG_N) return null;
  if (params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) return null;
  if (params.salt.length < 8 || params.hash.length < 32) return null;
  return params;
}

/** Whether `stored` is a password hash gateways can verify (format and parameter bounds). */
export function isPasswordHash(stored: string): boolean {
  return parsePasswordHash(stored) !== null;
}

function derive(password: string, params: Omit<PasswordHashParams, 'hash'>, length: number) {
  const N = 2 ** params.logN;
  return new Promise<Buffer>((resolve, reject) => {
    // scrypt runs on libuv's thread pool: the event loop keeps serving other requests.
    scrypt(
      password,
      params.salt,
      length,
      { N, r: params.r, p: params.p, maxmem: 129 * N * params.r * params.p + 1_048_576 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Hashes a password with fresh salt and the default parameters. */
export async function hashPassword(password: string): Promise<string> {
  const params = { logN: DEFAULT_LOG_N, r: DEFAULT_R, p: DEFAULT_P, salt: randomBytes(SALT_BYTES) };
  const hash = await derive(password, params, HASH_BYTES);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${params.salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Verifies a password against a stored hash in constant time; false for a malformed hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const params = parsePasswordHash(stored);
  if (params === null) return false;
  const derived = await derive(password, params, params.hash.length);
  return timingSafeEqual(derived, params.hash);
}
