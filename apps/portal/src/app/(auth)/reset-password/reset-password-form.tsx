'use client';

import { Alert, Button, fieldError, ProblemForm } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { PasswordField } from '../../../components/account-fields';
import { AuthCard } from '../../../components/auth-card';
import { useTRPC } from '../../../lib/trpc';

export function ResetPasswordForm({ token }: { token: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const reset = useMutation(
    trpc.portal.auth.resetPassword.mutationOptions({
      onSuccess: (data) =>
        router.replace(`/sign-in?reset=1&email=${encodeURIComponent(data.email)}`),
    }),
  );
  if (!token) {
    return (
      <AuthCard
        title="Choose a new password"
        footer={<Link href="/forgot-password">Ask for a new link</Link>}
      >
        <Alert>This link has no token; open the link from the mail again.</Alert>
      </AuthCard>
    );
  }
  const mismatch = confirm.length > 0 && confirm !== password ? 'the two passwords differ' : null;
  return (
    <AuthCard
      title="Choose a new password"
      footer={<Link href="/forgot-password">Ask for a new link</Link>}
    >
      <ProblemForm
        error={reset.error}
        fields={['password']}
        onSubmit={() => {
          if (!mismatch) reset.mutate({ token, password });
        }}
      >
        <PasswordField
          label="New password"
          hint="At least 10 characters. Every session is signed out."
          value={password}
          error={fieldError(reset.error, 'password')}
          onValue={setPassword}
        />
        <PasswordField label="Repeat it" value={confirm} error={mismatch} onValue={setConfirm} />
        <Button type="submit" variant="primary" busy={reset.isPending} disabled={Boolean(mismatch)}>
          Save the new password
        </Button>
      </ProblemForm>
    </AuthCard>
  );
}
