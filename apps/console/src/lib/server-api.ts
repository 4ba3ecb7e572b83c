import type { AppRouter } from '@portico/api';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { headers } from 'next/headers';
import { loadConsoleEnv } from '../env';

/**
 * A tRPC client for the console's server components. It calls the control plane directly with
 * the operator's session cookie and address, so the control plane applies the same checks as to
 * calls from the browser. Queries only: mutations go through the browser and /trpc, where the
 * Origin check applies.
 */
export async function serverApi() {
  const incoming = await headers();
  const forwarded: Record<string, string> = {};
  for (const name of ['cookie', 'x-forwarded-for']) {
    const value = incoming.get(name);
    if (value) forwarded[name] = value;
  }
  const url = `${loadConsoleEnv().PORTICO_CONTROL_URL}/trpc`;
  return createTRPCClient<AppRouter>({ links: [httpLink({ url, headers: () => forwarded })] });
}

/** The tRPC error code of a failed server-side call, or null for other failures. */
export function serverErrorCode(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const code: unknown = error.data?.code;
  return typeof code === 'string' ? code : null;
}
