'use client';

import { ZEmail } from '@portico/config';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { useTouched } from '../../components/form-state';
import { ErrorAlert, Field } from '../../components/ui';
import { useTRPC } from '../../lib/trpc';
import { validate } from '../../lib/validation';

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
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.setupStatus.queryOptions());
  const [form, setForm] = useState({ email: '', password: '' });
  const touched = useTouched();
  const checked = validate(ZSignIn, form);
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.replace(nextPath());
      },
    }),
  );

  useEffect(() => {
    if (status.data?.needsSetup) router.replace('/setup');
  }, [status.data, router]);

  return (
    <div className="auth-page">
      <form
        className="auth-card form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          touched.submit();
          if (checked.ok) signIn.mutate(checked.data);
        }}
      >
        <div>
          <h1>Sign in to Portico</h1>
          <p>Operator console</p>
        </div>
        <ErrorAlert error={signIn.error} />
        <Field label="Email" error={touched.shown(checked.errors, 'email')}>
          {(p) => (
            <input
              {...p}
              type="email"
              name="email"
              autoComplete="username"
              value={form.email}
              onChange={(e) => {
                touched.touch('email');
                setForm({ ...form, email: e.target.value });
              }}
            />
          )}
        </Field>
        <Field label="Password" error={touched.shown(checked.errors, 'password')}>
          {(p) => (
            <input
              {...p}
              type="password"
              name="password"
              autoComplete="current-password"
              value={form.password}
              onChange={(e) => {
                touched.touch('password');
                setForm({ ...form, password: e.target.value });
              }}
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {status.data?.needsSetup ? (
          <p>
            No operator exists yet. <Link href="/setup">Set up Portico</Link>.
          </p>
        ) : null}
      </form>
    </div>
  );
}
