import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { loadSession, requestedPath } from '../../lib/server-session';
import { ConsoleShell } from './console-shell';

/** Every console page renders only for a session checked on the server first. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await loadSession();
  if (session === 'signed-out')
    redirect(`/sign-in?next=${encodeURIComponent(await requestedPath())}`);
  return <ConsoleShell initialMe={session === 'unknown' ? null : session}>{children}</ConsoleShell>;
}
