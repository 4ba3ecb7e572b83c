'use client';

import { Alert, Button, fieldError, ProblemForm } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { EmailField, PasswordField } from '../../../components/account-fields';
import { AuthCard } from '../../../components/auth-card';
import { useLeaveAfterSessionChange } from '../../../components/use-session-change';
import { useTRPC } from '../../../lib/trpc';

export function SignInForm({
  next,
  email: initialEmail,
  notice,
}: {
  next: string;
  email: string;
  notice: string | null;
}) {
  const trpc = useTRPC();
  const leave = useLeaveAfterSessionChange();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const signIn = useMutation(
    trpc.portal.auth.signIn.mutationOptions({
      onSuccess: () => leave(next),
    }),
  );
  const emailError = fieldError(signIn.error, 'email');
  const passwordError = fieldError(signIn.error, 'password');
  return (
    <AuthCard
      title="Sign in"
      subtitle="Manage your apps, keys and usage."
      footer={
        <>
          New here? <Link href="/sign-up">Create an account</Link>
        </>
      }
    >
      {notice ? <Alert tone="ok">{notice}</Alert> : null}
      <ProblemForm
        error={signIn.error}
        fields={['email', 'password']}
        onSubmit={() => signIn.mutate({ email, password })}
      >
        <EmailField
          label="Email"
          name="email"
          value={email}
          error={emailError}
          onValue={setEmail}
        />
        <PasswordField
          label="Password"
          name="password"
          current
          value={password}
          error={passwordError}
          onValue={setPassword}
        />
        <div className="row-between">
          <Link href="/forgot-password" className="small-link">
            Forgot your password?
          </Link>
          <Button type="submit" variant="primary" busy={signIn.isPending}>
            Sign in
          </Button>
        </div>
      </ProblemForm>
    </AuthCard>
  );
}
