'use client';

import { ZEmail, ZPassword, ZPersonName } from '@portico/config';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { z } from 'zod';
import { AuthForm, useEnterConsole } from '../../components/auth-form';
import { TextInput, useForm } from '../../components/fields';
import { Skeleton } from '../../components/ui';
import { useTRPC } from '../../lib/trpc';

const ZSetup = z.object({ name: ZPersonName, email: ZEmail, password: ZPassword });

export default function SetupPage() {
  const trpc = useTRPC();
  const enter = useEnterConsole();
  const status = useQuery(trpc.auth.setupStatus.queryOptions());
  const form = useForm(ZSetup, { name: '', email: '', password: '' });
  const setup = useMutation(trpc.auth.setup.mutationOptions({ onSuccess: enter('/') }));

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

  return (
    <AuthForm
      title="Set up Portico"
      subtitle="Create the first owner account. You can invite others afterwards."
      form={form}
      mutation={setup}
    >
      <TextInput path="name" label="Your name" autoComplete="name" />
      <TextInput path="email" label="Email" type="email" autoComplete="username" />
      <TextInput
        path="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
      />
      <button type="submit" className="primary" disabled={setup.isPending}>
        Create owner account
      </button>
    </AuthForm>
  );
}
