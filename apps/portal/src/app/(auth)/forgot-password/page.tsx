'use client';

import { Alert, Button, fieldError, ProblemForm } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { EmailField } from '../../../components/account-fields';
import { AuthCard } from '../../../components/auth-card';
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
      <ProblemForm
        error={forgot.error}
        fields={['email']}
        onSubmit={() => forgot.mutate({ email })}
      >
        <EmailField
          label="Email"
          value={email}
          error={fieldError(forgot.error, 'email')}
          onValue={setEmail}
        />
        <Button type="submit" variant="primary" busy={forgot.isPending}>
          Send the link
        </Button>
      </ProblemForm>
    </AuthCard>
  );
}
