'use client';

import { ZPassword, ZPersonName } from '@portico/config';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { z } from 'zod';
import { AuthForm, useEnterConsole } from '../../components/auth-form';
import { TextInput, useForm } from '../../components/fields';
import { useTRPC } from '../../lib/trpc';

const ZAccept = z.object({
  token: z.string().trim().min(1, 'paste the invite token you were sent').max(200),
  name: ZPersonName,
  password: ZPassword,
});

/** An invited operator chooses a name and password; accepting signs them in. */
export default function AcceptInvitePage() {
  const trpc = useTRPC();
  const enter = useEnterConsole();
  const form = useForm(ZAccept, { token: '', name: '', password: '' });
  const { setDraft } = form;
  useEffect(() => {
    // The invite link carries the token as ?token=…; read once on arrival.
    const token = new URLSearchParams(window.location.search).get('token');
    if (token) setDraft((d) => ({ ...d, token }));
  }, [setDraft]);
  const accept = useMutation(trpc.auth.acceptInvite.mutationOptions({ onSuccess: enter('/') }));
  return (
    <AuthForm
      title="Join Portico"
      subtitle="Accept your invitation: choose your name and a password."
      form={form}
      mutation={accept}
    >
      <TextInput path="token" label="Invite token" />
      <TextInput path="name" label="Your name" />
      <TextInput path="password" label="Password" type="password" hint="At least 10 characters." />
      <button type="submit" className="primary" disabled={accept.isPending}>
        Accept invitation
      </button>
    </AuthForm>
  );
}
