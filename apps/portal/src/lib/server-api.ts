import type { AppRouter } from '@portico/api';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { headers } from 'next/headers';
import { portalEnv } from '../env';

/**
 * A tRPC client for server components and route handlers. It calls the control plane directly
 * and passes on the person's session cookie and address, so the control plane applies the same
 * checks as for calls made from the browser. Queries only: mutations go through the browser and
 * the /trpc proxy, where the Origin check applies.
 */
export async function serverApi() {
  const incoming = await headers();
  const forwarded: Record<string, string> = {};
  const cookie = incoming.get('cookie');
  if (cookie) forwarded.cookie = cookie;
  const forwardedFor = incoming.get('x-forwarded-for');
  if (forwardedFor) forwarded['x-forwarded-for'] = forwardedFor;
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${portalEnv().PORTICO_CONTROL_URL}/trpc`, headers: () => forwarded })],
  });
}

/** A client with no session: what anyone on the internet may read (catalogue, branding). */
export function anonymousApi() {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${portalEnv().PORTICO_CONTROL_URL}/trpc` })],
  });
}

/** The tRPC error code of a failed server-side call, or null for other failures. */
export function serverErrorCode(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const code: unknown = error.data?.code;
  return typeof code === 'string' ? code : null;
}
