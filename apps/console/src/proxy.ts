import { type NextRequest, NextResponse } from 'next/server';
import { REQUEST_PATH_HEADER } from './lib/request-path';

/**
 * Records the page's path and query on the request, so the console layout, which checks the
 * session on the server, can send a signed-out visitor to sign-in and back to where they were.
 */
export function proxy(request: NextRequest) {
  const forwarded = new Headers(request.headers);
  forwarded.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers: forwarded } });
}

export const config = {
  // Pages only: not the tRPC proxy, Next's own assets or files.
  matcher: ['/((?!trpc|_next/|favicon.ico|.*\\.[a-z0-9]+$).*)'],
};
