import { type NextRequest, NextResponse } from 'next/server';

/**
 * The control plane's portal session cookie (PORTAL_SESSION_COOKIE_NAME in @portico/api; HttpOnly,
 * so the portal only checks that it is there). Not imported: the proxy must not pull the API
 * package's server code into its bundle.
 */
const SESSION_COOKIE = 'portico_portal_session';

/**
 * Sends a visitor without a session to sign-in before a private page renders. The cookie's
 * validity is checked by the private layout, server side, against the control plane.
 */
export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = '/sign-in';
  url.search = `?next=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = { matcher: ['/apps/:path*', '/account/:path*', '/usage/:path*'] };
