'use client';

import { Alert, Button, errorMessage, Skeleton } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { AuthCard } from '../../../components/auth-card';
import { useTRPC } from '../../../lib/trpc';

/**
 * Spends the mailed token with a POST from the page rather than on the link's GET, so a mail
 * scanner that fetches the link without running scripts does not use it up.
 */
export function VerifyEmail({ token }: { token: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const verify = useMutation(trpc.portal.auth.verifyEmail.mutationOptions());
  const sent = useRef(false);
  useEffect(() => {
    // Strict mode mounts twice in development; the token is single-use.
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate({ token });
  }, [token, verify]);

  if (!token) {
    return (
      <AuthCard title="Confirm your email">
        <Alert>This link has no token; open the link from the mail again.</Alert>
      </AuthCard>
    );
  }
  if (verify.error) {
    return (
      <AuthCard
        title="This link did not work"
        footer={
          <>
            <Link href="/sign-up">Sign up again</Link> or <Link href="/sign-in">sign in</Link>
          </>
        }
      >
        <Alert>{errorMessage(verify.error)}</Alert>
      </AuthCard>
    );
  }
  if (!verify.data) {
    return (
      <AuthCard title="Confirming your email…">
        <Skeleton rows={2} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Email confirmed">
      {verify.data.signedIn ? (
        <>
          <p data-testid="verified">Welcome, {verify.data.user.name}. Your account is ready.</p>
          <Button
            variant="primary"
            onClick={() => {
              router.push('/apis');
              router.refresh();
            }}
          >
            Explore the APIs
          </Button>
        </>
      ) : (
        <p data-testid="verified">
          Thanks, your address is confirmed. The operator reviews new accounts; you will get a mail
          once yours is approved.
        </p>
      )}
    </AuthCard>
  );
}
