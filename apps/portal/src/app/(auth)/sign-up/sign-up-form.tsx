'use client';

import { Alert, Button, errorMessage, fieldError, ProblemForm, TextField } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { EmailField, PasswordField } from '../../../components/account-fields';
import { AuthCard } from '../../../components/auth-card';
import { useTRPC } from '../../../lib/trpc';

type Mode = 'open' | 'approval' | 'invite';

const MODE_NOTE: Record<Mode, string | null> = {
  open: null,
  approval: 'New accounts are reviewed by the operator before they can sign in.',
  invite: 'This portal is invite-only: use the link from your invitation.',
};

export function SignUpForm({
  mode,
  portalName,
  inviteToken,
  email: initialEmail,
}: {
  mode: Mode;
  portalName: string;
  inviteToken: string | null;
  email: string;
}) {
  const trpc = useTRPC();
  const [name, setName] = useState('');
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const signUp = useMutation(trpc.portal.auth.signUp.mutationOptions());
  const resend = useMutation(trpc.portal.auth.resendVerification.mutationOptions());

  if (signUp.data) {
    const next = signUp.data.next;
    return (
      <AuthCard title={next === 'verify_email' ? 'Check your inbox' : 'Account created'}>
        {next === 'verify_email' ? (
          <>
            <p data-testid="sign-up-done">
              We sent a link to <strong>{signUp.data.user.email}</strong>. Open it to confirm your
              address and sign in.
            </p>
            {resend.isSuccess ? <Alert tone="ok">Sent again.</Alert> : null}
            {resend.error ? <Alert>{errorMessage(resend.error)}</Alert> : null}
            <Button
              busy={resend.isPending}
              onClick={() => resend.mutate({ email: signUp.data.user.email })}
            >
              Send the link again
            </Button>
          </>
        ) : next === 'wait_for_approval' ? (
          <p data-testid="sign-up-done">
            Thanks! The operator of {portalName} reviews new accounts; you will get a mail once
            yours is approved.
          </p>
        ) : (
          <p data-testid="sign-up-done">
            You can now <Link href="/sign-in">sign in</Link>.
          </p>
        )}
      </AuthCard>
    );
  }

  const note = inviteToken ? null : MODE_NOTE[mode];
  return (
    <AuthCard
      title={`Join ${portalName}`}
      subtitle="Get API keys, try the APIs and follow your usage."
      footer={
        <>
          Already have an account? <Link href="/sign-in">Sign in</Link>
        </>
      }
    >
      {note ? <Alert tone="info">{note}</Alert> : null}
      <ProblemForm
        error={signUp.error}
        fields={['email', 'password', 'name']}
        onSubmit={() =>
          signUp.mutate({ name, email, password, ...(inviteToken ? { inviteToken } : {}) })
        }
      >
        <TextField
          label="Name"
          name="name"
          autoComplete="name"
          required
          value={name}
          error={fieldError(signUp.error, 'name')}
          onChange={(e) => setName(e.target.value)}
        />
        <EmailField
          label="Work email"
          name="email"
          value={email}
          error={fieldError(signUp.error, 'email')}
          onValue={setEmail}
        />
        <PasswordField
          label="Password"
          name="password"
          hint="At least 10 characters."
          value={password}
          error={fieldError(signUp.error, 'password')}
          onValue={setPassword}
        />
        <Button type="submit" variant="primary" busy={signUp.isPending}>
          Create account
        </Button>
      </ProblemForm>
    </AuthCard>
  );
}
