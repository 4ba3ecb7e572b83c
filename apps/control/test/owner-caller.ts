import { randomBytes } from 'node:crypto';
import { type ApiContext, createAppCaller } from '@portico/api';
import type { Db } from '@portico/db';

/**
 * Calls the control plane's procedures in-process as an owner signed in with a token, the way
 * a CLI would (no HTTP): for tests that set up or change config around what they observe.
 */
export function ownerCaller(db: Db, secretKey: Buffer, userId: string) {
  const ctx: ApiContext = {
    db,
    sessionSigningKey: randomBytes(32),
    secretKey,
    now: () => new Date(),
    actor: {
      kind: 'operator',
      userId,
      email: 'owner@example.test',
      role: 'owner',
      via: 'token',
      sessionId: null,
      tokenId: null,
    },
    requestId: `req_${randomBytes(4).toString('hex')}`,
    clientIp: '127.0.0.1',
    userAgent: 'vitest',
    cookies: { setSession() {}, clearSession() {} },
  };
  return createAppCaller(ctx);
}
