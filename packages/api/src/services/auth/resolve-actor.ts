import type { Db } from '@portico/db';
import { hashSecret, isWellFormedSecret } from '@portico/keys';
import type { Actor, OperatorRole } from '../../trpc';
import { accountNotUsableReason } from './accounts';
import { readSessionCookie } from './session-cookie';

/** Token last-used stamps are written at most this often, so busy automation does not write per call. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface ResolveActorDeps {
  db: Db;
  sessionSigningKey: Uint8Array;
  now: () => Date;
}

export interface Credentials {
  /** Value of the `portico_session` cookie, if any. */
  sessionCookie: string | null;
  /** The raw Authorization header, if any. */
  authorization: string | null;
}

interface UserRow {
  id: string;
  email: string;
  kind: 'operator' | 'developer';
  role: OperatorRole | null;
  disabledAt: Date | null;
  status: 'active' | 'pending' | 'rejected' | 'suspended';
  emailVerifiedAt: Date | null;
}

function toActor(
  user: UserRow,
  via: 'session' | 'token',
  sessionId: string | null,
  tokenId: string | null,
): Actor | null {
  if (user.disabledAt || accountNotUsableReason(user) !== null) return null;
  if (user.kind === 'operator') {
    if (!user.role) return null;
    return {
      kind: 'operator',
      userId: user.id,
      email: user.email,
      role: user.role,
      via,
      sessionId,
      tokenId,
    };
  }
  return { kind: 'developer', userId: user.id, email: user.email, via, sessionId, tokenId };
}

/**
 * Who is calling: a bearer personal access token wins over the session cookie. Returns null
 * (anonymous) for anything missing, malformed, revoked, expired or belonging to a disabled user.
 */
export async function resolveActor(
  deps: ResolveActorDeps,
  credentials: Credentials,
): Promise<Actor | null> {
  const now = deps.now();
  const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
  if (bearer) return resolveToken(deps, bearer, now);
  if (credentials.sessionCookie) return resolveSession(deps, credentials.sessionCookie, now);
  return null;
}

async function resolveToken(
  deps: ResolveActorDeps,
  token: string,
  now: Date,
): Promise<Actor | null> {
  if (!isWellFormedSecret('personalToken', token)) return null;
  const record = await deps.db.personalAccessToken.findUnique({
    where: { hash: hashSecret(token) },
    include: { user: true },
  });
  if (!record || record.revokedAt || (record.expiresAt && record.expiresAt <= now)) return null;
  const actor = toActor(record.user, 'token', null, record.id);
  if (!actor) return null;
  const staleBefore = new Date(now.getTime() - LAST_USED_WRITE_INTERVAL_MS);
  // Conditional update: concurrent requests within a minute write at most once.
  await deps.db.personalAccessToken.updateMany({
    where: { id: record.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
    data: { lastUsedAt: now },
  });
  return actor;
}

async function resolveSession(
  deps: ResolveActorDeps,
  cookie: string,
  now: Date,
): Promise<Actor | null> {
  const sessionId = await readSessionCookie(deps.sessionSigningKey, cookie, now);
  if (!sessionId) return null;
  const session = await deps.db.session.findUnique({
    where: { id: sessionId },
    include: { user: true },
  });
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  const actor = toActor(session.user, 'session', session.id, null);
  if (!actor) return null;
  const staleBefore = new Date(now.getTime() - LAST_USED_WRITE_INTERVAL_MS);
  await deps.db.session.updateMany({
    where: { id: session.id, lastSeenAt: { lt: staleBefore } },
    data: { lastSeenAt: now },
  });
  return actor;
}
