'use client';

import { ZPassword, ZPersonName } from '@portico/config';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { z } from 'zod';
import { TextInput, useForm } from '../../components/fields';
import { ErrorAlert } from '../../components/ui';
import { useTRPC } from '../../lib/trpc';

const ZAccept = z.object({
  token: z.string().trim().min(1, 'paste the invite token you were sent').max(200),
  name: ZPersonName,
  password: ZPassword,
});

/** An invited operator chooses a name and password; accepting signs them in. */
export default function AcceptInvitePage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const form = useForm(ZAccept, { token: '', name: '', password: '' });
  const { setDraft } = form;
  useEffect(() => {
    // The invite link carries the token as ?token=…; read once on arrival.
    const token = new URLSearchParams(window.location.search).get('token');
    if (token) setDraft((d) => ({ ...d, token }));
  }, [setDraft]);
  const accept = useMutation(
    trpc.auth.acceptInvite.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.replace('/');
      },
    }),
  );
  return (
    <div className="auth-page">
      <form
        className="auth-card form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const input = form.submit();
          if (input) accept.mutate(input);
        }}
      >
        <div>
          <h1>Join Portico</h1>
          <p>Accept your invitation: choose your name and a password.</p>
        </div>
        <ErrorAlert error={accept.error} />
        <TextInput form={form} path="token" label="Invite token" />
        <TextInput form={form} path="name" label="Your name" />
        <TextInput
          form={form}
          path="password"
          label="Password"
          type="password"
          hint="At least 10 characters."
        />
        <button type="submit" className="primary" disabled={accept.isPending}>
          Accept invitation
        </button>
      </form>
    </div>
  );
}
