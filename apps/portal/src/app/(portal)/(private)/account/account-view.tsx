'use client';

import {
  Button,
  Card,
  ConfirmDialog,
  FormProblem,
  fieldError,
  ProblemForm,
  TextField,
} from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { PasswordField } from '../../../../components/account-fields';
import { useLeaveAfterSessionChange } from '../../../../components/use-session-change';
import { dateTime } from '../../../../lib/format';
import { useTRPC } from '../../../../lib/trpc';

export function AccountView({
  name,
  email,
  createdAt,
}: {
  name: string;
  email: string;
  createdAt: string;
}) {
  return (
    <>
      <Card title="Profile">
        <dl className="kv">
          <dt>Name</dt>
          <dd>{name}</dd>
          <dt>Email</dt>
          <dd>{email}</dd>
          <dt>Member since</dt>
          <dd>{dateTime(createdAt)}</dd>
        </dl>
      </Card>
      <ChangePassword />
      <DeleteAccount />
    </>
  );
}

function ChangePassword() {
  const trpc = useTRPC();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation(
    trpc.portal.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setNew('');
      },
    }),
  );
  return (
    <Card title="Change password">
      <ProblemForm
        error={change.error}
        fields={['currentPassword', 'newPassword']}
        style={{ maxWidth: 420 }}
        onSubmit={() => change.mutate({ currentPassword, newPassword })}
      >
        <PasswordField
          label="Current password"
          current
          value={currentPassword}
          error={fieldError(change.error, 'currentPassword')}
          onValue={setCurrent}
        />
        <PasswordField
          label="New password"
          hint="At least 10 characters. Your other sessions are signed out."
          value={newPassword}
          error={fieldError(change.error, 'newPassword')}
          onValue={setNew}
        />
        <div>
          <Button type="submit" variant="primary" busy={change.isPending}>
            Change password
          </Button>
        </div>
      </ProblemForm>
    </Card>
  );
}

function DeleteAccount() {
  const trpc = useTRPC();
  const leave = useLeaveAfterSessionChange();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const remove = useMutation(
    trpc.portal.auth.deleteAccount.mutationOptions({
      onSuccess: () => leave('/apis'),
    }),
  );
  return (
    <Card title="Delete account">
      <p className="pui-muted">
        Deletes your apps, subscriptions and keys. Keys stop working at once. This cannot be undone.
      </p>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete my account
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Delete your account?"
        description="Type your password to confirm."
        confirmLabel="Delete account"
        destructive
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ password })}
      >
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={fieldError(remove.error, 'password')}
          onChange={(e) => setPassword(e.target.value)}
        />
        <FormProblem error={remove.error} fields={['password']} />
      </ConfirmDialog>
    </Card>
  );
}
