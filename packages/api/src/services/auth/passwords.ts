import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to Argon2id (m=19456 KiB, t=2, p=1), the OWASP baseline.
// Its Algorithm enum is a `const enum`, which isolated modules cannot import; the default is relied on.

/** Argon2id hash in PHC string form (`$argon2id$v=19$...`). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Hash of a random, never-shown password: for accounts that sign in only with a token. */
export function unusablePasswordHash(): Promise<string> {
  return hash(randomBytes(32).toString('base64'));
}

// Verifying against a real hash when the account does not exist keeps sign-in time the same,
// so response time does not tell which emails have accounts.
let dummyHash: Promise<string> | null = null;

/** True when `password` matches `passwordHash`; with a null hash it spends the same time and says no. */
export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hash('portico-dummy-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
