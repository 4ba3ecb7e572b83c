import { jwtVerify, SignJWT } from 'jose';

export const SESSION_COOKIE_NAME = 'portico_session';
/**
 * The portal's own session cookie. Console and portal usually share a host name (cookies ignore
 * ports), so one name would let signing in to one sign the other out.
 */
export const PORTAL_SESSION_COOKIE_NAME = 'portico_portal_session';

/**
 * Which session cookie a tRPC request reads and writes: the portal's when every procedure called
 * is under `portal.`, the console's otherwise. So the portal's cookie never authenticates console
 * procedures, and the console's never portal ones.
 */
export function sessionCookieNameFor(procedurePaths: readonly string[]): string {
  return procedurePaths.length > 0 && procedurePaths.every((p) => p.startsWith('portal.'))
    ? PORTAL_SESSION_COOKIE_NAME
    : SESSION_COOKIE_NAME;
}
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;
const ISSUER = 'portico-control';

/** HS256 JWT carrying only the session id; the sessions table stays the source of truth. */
export async function signSessionCookie(
  key: Uint8Array,
  sessionId: string,
  expiresAt: Date,
): Promise<string> {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
}

/** The session id in a valid, unexpired cookie; null for anything forged, expired or malformed. */
export async function readSessionCookie(
  key: Uint8Array,
  value: string,
  now: Date,
): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(value, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      currentDate: now,
    });
    return typeof payload.sid === 'string' ? payload.sid : null;
  } catch {
    return null;
  }
}
