'use client';

import { ZEmail } from '@portico/config';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { z } from 'zod';
import { AuthForm, useEnterConsole } from '../../components/auth-form';
import { TextInput, useForm } from '../../components/fields';
import { useTRPC } from '../../lib/trpc';

const ZSignIn = z.object({
  email: ZEmail,
  password: z.string().min(1, 'must not be empty'),
});

/** Where to go after signing in: only a path on this console, never another site. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignInPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const enter = useEnterConsole();
  const status = useQuery(trpc.auth.setupStatus.queryOptions());
  const form = useForm(ZSignIn, { email: '', password: '' });
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({ onSuccess: () => enter(nextPath())() }),
  );

  useEffect(() => {
    if (status.data?.needsSetup) router.replace('/setup');
  }, [status.data, router]);

  return (
    <AuthForm title="Sign in to Portico" subtitle="Operator console" form={form} mutation={signIn}>
      <TextInput path="email" label="Email" type="email" name="email" autoComplete="username" />
      <TextInput
        path="password"
        label="Password"
        type="password"
        name="password"
        autoComplete="current-password"
      />
      <button type="submit" className="primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      {status.data?.needsSetup ? (
        <p>
          No operator exists yet. <Link href="/setup">Set up Portico</Link>.
        </p>
      ) : null}
    </AuthForm>
  );
}
