import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { loadDeveloper } from '../../../lib/session';

/** Private pages render only for a signed-in developer, checked server side before rendering. */
export default async function PrivateLayout({ children }: { children: ReactNode }) {
  const developer = await loadDeveloper();
  if (!developer) redirect('/sign-in');
  return children;
}
