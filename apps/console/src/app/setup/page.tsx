'use client';

import { ZEmail, ZPassword, ZPersonName } from '@portico/config';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { useTouched } from '../../components/form-state';
import { ErrorAlert, Field, Skeleton } from '../../components/ui';
import { useTRPC } from '../../lib/trpc';
import { validate } from '../../lib/validation';

const ZSetup = z.object({ name: ZPersonName, email: ZEmail, password: ZPassword });

export default function SetupPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.setupStatus.queryOptions());
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const touched = useTouched();
  const checked = validate(ZSetup, form);
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.replace('/');
      },
    }),
  );

  if (status.isPending) return <Skeleton />;
  if (status.data && !status.data.needsSetup) {
    return (
      <div className="auth-page">
        <div className="auth-card">
          <h1>Already set up</h1>
          <p>An operator account exists. Sign in with it, or ask an admin for an invite.</p>
          <Link href="/sign-in">Go to sign in</Link>
        </div>
      </div>
    );
  }

  const input =
    (key: keyof typeof form, type: string, autoComplete: string) =>
    (p: { id: string; 'aria-invalid': boolean }) => (
      <input
        {...p}
        type={type}
        autoComplete={autoComplete}
        value={form[key]}
        onChange={(e) => {
          touched.touch(key);
          setForm({ ...form, [key]: e.target.value });
        }}
      />
    );

  return (
    <div className="auth-page">
      <form
        className="auth-card form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          touched.submit();
          if (checked.ok) setup.mutate(checked.data);
        }}
      >
        <div>
          <h1>Set up Portico</h1>
          <p>Create the first owner account. You can invite others afterwards.</p>
        </div>
        <ErrorAlert error={setup.error} />
        <Field label="Your name" error={touched.shown(checked.errors, 'name')}>
          {input('name', 'text', 'name')}
        </Field>
        <Field label="Email" error={touched.shown(checked.errors, 'email')}>
          {input('email', 'email', 'username')}
        </Field>
        <Field
          label="Password"
          error={touched.shown(checked.errors, 'password')}
          hint="At least 10 characters."
        >
          {input('password', 'password', 'new-password')}
        </Field>
        <button type="submit" className="primary" disabled={setup.isPending}>
          Create owner account
        </button>
      </form>
    </div>
  );
}
