import { jwtVerify, SignJWT } from 'jose';

export const SESSION_COOKIE_NAME = 'portico_session';
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
