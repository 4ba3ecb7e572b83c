import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { SESSION_TTL_SECONDS, signSessionCookie } from './session-cookie';

export interface NewSession {
  id: string;
  cookie: string;
  expiresAt: Date;
}

export interface SessionOrigin {
  now: Date;
  sessionSigningKey: Uint8Array;
  clientIp: string;
  userAgent: string | null;
}

/** Stores a session row and signs the cookie that names it. */
export async function startSession(
  tx: Prisma.TransactionClient,
  userId: string,
  origin: SessionOrigin,
): Promise<NewSession> {
  const id = newId('session');
  const expiresAt = new Date(origin.now.getTime() + SESSION_TTL_SECONDS * 1000);
  await tx.session.create({
    data: {
      id,
      userId,
      expiresAt,
      ip: origin.clientIp,
      userAgent: origin.userAgent?.slice(0, 500) ?? null,
      createdAt: origin.now,
      lastSeenAt: origin.now,
    },
  });
  return {
    id,
    cookie: await signSessionCookie(origin.sessionSigningKey, id, expiresAt),
    expiresAt,
  };
}

/** Ends a session server-side: its cookie stops working at once, wherever it was copied. */
export async function revokeSession(
  tx: Prisma.TransactionClient,
  sessionId: string,
  now: Date,
): Promise<void> {
  await tx.session.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: now },
  });
}

/** Ends every live session of a user (disabled accounts, role changes made by an admin). */
export async function revokeUserSessions(
  tx: Prisma.TransactionClient,
  userId: string,
  now: Date,
): Promise<void> {
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
}
