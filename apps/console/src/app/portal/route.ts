import { loadConsoleEnv } from '../../env';

// Read at request time: one console build can point at whichever portal PORTICO_PORTAL_URL names.
export const dynamic = 'force-dynamic';

/** /portal: the developer portal is its own app; this sends people to its sign-in page. */
export function GET(): Response {
  const { PORTICO_PORTAL_URL } = loadConsoleEnv();
  return Response.redirect(`${PORTICO_PORTAL_URL}/sign-in`, 302);
}
