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

/** How the actor signed this request: a session or a personal token, and which. */
type ActorOrigin =
  | { via: 'session'; sessionId: string; tokenId: null }
  | { via: 'token'; sessionId: null; tokenId: string };

function toActor(user: UserRow, { via, sessionId, tokenId }: ActorOrigin): Actor | null {
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

/** The actor of a session or token that is neither revoked nor expired, whose user may act. */
function liveActor(
  presented: { revokedAt: Date | null; expiresAt: Date | null; user: UserRow },
  origin: ActorOrigin,
  now: Date,
): Actor | null {
  if (presented.revokedAt || (presented.expiresAt && presented.expiresAt <= now)) return null;
  return toActor(presented.user, origin);
}

/** Last-use stamps older than this are rewritten; newer ones are left, to write at most once a minute. */
function staleBefore(now: Date): Date {
  return new Date(now.getTime() - LAST_USED_WRITE_INTERVAL_MS);
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
  const actor =
    record && liveActor(record, { via: 'token', sessionId: null, tokenId: record.id }, now);
  if (!actor) return null;
  // Conditional update: concurrent requests within a minute write at most once.
  await deps.db.personalAccessToken.updateMany({
    where: { id: record.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore(now) } }] },
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
  const actor =
    session && liveActor(session, { via: 'session', sessionId: session.id, tokenId: null }, now);
  if (!actor) return null;
  await deps.db.session.updateMany({
    where: { id: session.id, lastSeenAt: { lt: staleBefore(now) } },
    data: { lastSeenAt: now },
  });
  return actor;
}
