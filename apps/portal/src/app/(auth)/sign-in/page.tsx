import type { Metadata } from 'next';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; email?: string; reset?: string }>;
}) {
  const params = await searchParams;
  return (
    <SignInForm
      next={safeNext(params.next)}
      email={params.email ?? ''}
      notice={params.reset === '1' ? 'Your password was changed; sign in with the new one.' : null}
    />
  );
}

/** Only paths on this portal: an open redirect would let a link send people elsewhere. */
function safeNext(next: string | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/apps';
}
