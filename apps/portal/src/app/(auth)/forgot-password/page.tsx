'use client';

import { Alert, Button, TextField } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { AuthCard } from '../../../components/auth-card';
import { errorMessage, fieldError } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';

export default function ForgotPasswordPage() {
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const forgot = useMutation(trpc.portal.auth.forgotPassword.mutationOptions());
  return (
    <AuthCard
      title="Reset your password"
      subtitle="We will mail you a link to choose a new one."
      footer={<Link href="/sign-in">Back to sign in</Link>}
    >
      {forgot.data ? <Alert tone="ok">{forgot.data.message}</Alert> : null}
      {forgot.error && !fieldError(forgot.error, 'email') ? (
        <Alert>{errorMessage(forgot.error)}</Alert>
      ) : null}
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          forgot.mutate({ email });
        }}
      >
        <TextField
          label="Email"
          type="email"
          required
          autoComplete="email"
          value={email}
          error={fieldError(forgot.error, 'email')}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Button type="submit" variant="primary" busy={forgot.isPending}>
          Send the link
        </Button>
      </form>
    </AuthCard>
  );
}
