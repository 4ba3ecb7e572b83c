'use client';

import { ZEmail, ZOperatorRole } from '@portico/config';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { SecretShown } from '../../../components/dialogs';
import { Select, TextInput, useForm } from '../../../components/fields';
import { FormActions, MutationForm } from '../../../components/forms';
import { useInvalidate } from '../../../components/list-page';
import { Dialog } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

const ZInviteForm = z.object({ email: ZEmail, role: ZOperatorRole });

/** Invites an operator; the token is shown once with the link the invitee opens. */
export function InviteDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const [inviteToken, setInviteToken] = useState<string | null>(null);
  const form = useForm(ZInviteForm, { email: '', role: 'viewer' });
  const invalidate = useInvalidate(trpc.users.pathKey());
  const invite = useMutation(trpc.users.invite.mutationOptions({ onSuccess: invalidate }));
  const done = () => {
    onClose();
    setInviteToken(null);
  };
  return (
    <Dialog
      open={open}
      title={inviteToken ? 'Invitation created' : 'Invite a member'}
      onClose={done}
    >
      {inviteToken ? (
        <SecretShown label="invite token" secret={inviteToken} onDone={done}>
          <p className="muted">
            Send the invitee this link; they choose their name and password there:
          </p>
          <div className="secret" data-testid="invite-link">
            {`${window.location.origin}/accept-invite?token=${encodeURIComponent(inviteToken)}`}
          </div>
        </SecretShown>
      ) : (
        <MutationForm
          form={form}
          error={invite.error}
          onValid={async (input) => {
            const result = await invite.mutateAsync(input);
            setInviteToken(result.inviteToken);
          }}
        >
          <TextInput path="email" label="Email" type="email" />
          <Select path="role" label="Role" options={ZOperatorRole.options} />
          <FormActions onCancel={onClose} submitLabel="Invite" disabled={invite.isPending} />
        </MutationForm>
      )}
    </Dialog>
  );
}
