'use client';

import { ZEmail, ZOperatorRole } from '@portico/config';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { NumberInput, Select, TextInput, useForm } from '../../../components/fields';
import { useSession } from '../../../components/session';
import {
  Badge,
  ConfirmButton,
  Dialog,
  EmptyState,
  ErrorAlert,
  formatDate,
  OnceSecret,
  PageHeader,
  Skeleton,
  timeAgo,
} from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

const ROLES = ZOperatorRole.options;

function Members() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  const updateRole = useMutation(trpc.users.updateRole.mutationOptions({ onSuccess: invalidate }));
  const disable = useMutation(trpc.users.disable.mutationOptions({ onSuccess: invalidate }));
  const [inviting, setInviting] = useState(false);
  const [inviteToken, setInviteToken] = useState<string | null>(null);
  const form = useForm(z.object({ email: ZEmail, role: ZOperatorRole }), {
    email: '',
    role: 'viewer',
  });
  const invite = useMutation(trpc.users.invite.mutationOptions({ onSuccess: invalidate }));

  return (
    <section className="panel">
      <div className="toolbar" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>Members</h2>
        {session.canAdmin ? (
          <button type="button" className="primary" onClick={() => setInviting(true)}>
            Invite member
          </button>
        ) : null}
      </div>
      <ErrorAlert error={users.error ?? updateRole.error} />
      {users.isPending ? (
        <Skeleton rows={3} />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(users.data ?? [])
                .filter((u) => u.kind === 'operator')
                .map((u) => (
                  <tr key={u.id}>
                    <td>{u.name}</td>
                    <td>{u.email}</td>
                    <td>
                      {session.canAdmin && u.id !== session.user.id && !u.disabledAt ? (
                        <select
                          aria-label={`Role of ${u.email}`}
                          value={u.role ?? 'viewer'}
                          onChange={(e) =>
                            updateRole.mutate({
                              id: u.id,
                              role: e.target.value as (typeof ROLES)[number],
                            })
                          }
                          style={{ width: 120 }}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <Badge tone="info">{u.role}</Badge>
                      )}
                    </td>
                    <td>
                      {u.disabledAt ? (
                        <Badge tone="danger">disabled</Badge>
                      ) : (
                        <Badge tone="ok">active</Badge>
                      )}
                    </td>
                    <td className="actions">
                      {session.canAdmin && u.id !== session.user.id && !u.disabledAt ? (
                        <ConfirmButton
                          label="Disable"
                          title={`Disable ${u.email}?`}
                          message="They are signed out everywhere and their tokens stop working."
                          onConfirm={() => disable.mutateAsync({ id: u.id })}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={inviting}
        title={inviteToken ? 'Invitation created' : 'Invite a member'}
        onClose={() => {
          setInviting(false);
          setInviteToken(null);
        }}
      >
        {inviteToken ? (
          <div className="form">
            <OnceSecret label="invite token" secret={inviteToken} />
            <p className="muted">
              Send the invitee this link; they choose their name and password there:
            </p>
            <div className="secret" data-testid="invite-link">
              {`${window.location.origin}/accept-invite?token=${encodeURIComponent(inviteToken)}`}
            </div>
            <div className="form-actions">
              <button
                type="button"
                className="primary"
                onClick={() => {
                  setInviting(false);
                  setInviteToken(null);
                }}
              >
                Done
              </button>
            </div>
          </div>
        ) : (
          <form
            className="form"
            noValidate
            onSubmit={async (e) => {
              e.preventDefault();
              const input = form.submit();
              if (!input) return;
              try {
                const result = await invite.mutateAsync(input);
                setInviteToken(result.inviteToken);
              } catch {
                // Shown below.
              }
            }}
          >
            <ErrorAlert error={invite.error} />
            <TextInput form={form} path="email" label="Email" type="email" />
            <Select form={form} path="role" label="Role" options={ROLES} />
            <div className="form-actions">
              <button type="button" onClick={() => setInviting(false)}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={invite.isPending}>
                Invite
              </button>
            </div>
          </form>
        )}
      </Dialog>
    </section>
  );
}

function PersonalTokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.listPersonal.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() });
  const create = useMutation(trpc.tokens.createPersonal.mutationOptions({ onSuccess: invalidate }));
  const revoke = useMutation(trpc.tokens.revokePersonal.mutationOptions({ onSuccess: invalidate }));
  const [clear, setClear] = useState<string | null>(null);
  const form = useForm(
    z.object({
      name: z.string().trim().min(1, 'must not be empty').max(100),
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    }),
    { name: '', expiresInDays: 90 as number | undefined },
  );
  return (
    <section className="panel">
      <h2>Personal access tokens</h2>
      <p className="muted">For the CLI and scripts: they act as you, with your role.</p>
      <form
        className="form-row"
        style={{ alignItems: 'end', marginBottom: 12 }}
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const input = form.submit();
          if (!input) return;
          try {
            const result = await create.mutateAsync(input);
            setClear(result.token);
          } catch {
            // Shown below.
          }
        }}
      >
        <TextInput form={form} path="name" label="Token name" placeholder="laptop CLI" />
        <NumberInput
          form={form}
          path="expiresInDays"
          label="Expires in (days)"
          hint="Blank: never."
        />
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create token
          </button>
        </div>
      </form>
      <ErrorAlert error={create.error ?? tokens.error} />
      <TokenTable
        rows={(tokens.data ?? []).map((t) => ({
          ...t,
          detail: t.expiresAt ? `expires ${formatDate(t.expiresAt)}` : 'no expiry',
        }))}
        loading={tokens.isPending}
        onRevoke={(id) => revoke.mutateAsync({ id })}
        canRevoke
      />
      <Dialog open={clear !== null} title="Your new token" onClose={() => setClear(null)}>
        {clear ? (
          <div className="form">
            <OnceSecret label="token" secret={clear} />
            <div className="form-actions">
              <button type="button" className="primary" onClick={() => setClear(null)}>
                Done
              </button>
            </div>
          </div>
        ) : null}
      </Dialog>
    </section>
  );
}

function MachineTokens({
  kind,
  title,
  help,
}: {
  kind: 'dataplane' | 'registry';
  title: string;
  help: string;
}) {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.listMachine.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() });
  const create = useMutation(trpc.tokens.createMachine.mutationOptions({ onSuccess: invalidate }));
  const revoke = useMutation(trpc.tokens.revokeMachine.mutationOptions({ onSuccess: invalidate }));
  const [clear, setClear] = useState<string | null>(null);
  const form = useForm(z.object({ name: z.string().trim().min(1, 'must not be empty').max(100) }), {
    name: '',
  });
  const rows = (tokens.data ?? []).filter((t) => t.kind === kind);
  return (
    <section className="panel">
      <h2>{title}</h2>
      <p className="muted">{help}</p>
      {session.canAdmin ? (
        <form
          className="form-row"
          style={{ alignItems: 'end', marginBottom: 12 }}
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const input = form.submit();
            if (!input) return;
            try {
              const result = await create.mutateAsync({
                kind,
                name: input.name,
                ...(kind === 'registry'
                  ? { scopes: ['register', 'read'] as ('register' | 'read')[] }
                  : {}),
              });
              setClear(result.token);
            } catch {
              // Shown below.
            }
          }}
        >
          <TextInput
            form={form}
            path="name"
            label={`New ${kind === 'dataplane' ? 'data-plane' : 'registry'} token name`}
          />
          <div>
            <button type="submit" className="primary" disabled={create.isPending}>
              Create token
            </button>
          </div>
        </form>
      ) : null}
      <ErrorAlert error={create.error ?? tokens.error} />
      <TokenTable
        rows={rows.map((t) => ({ ...t, detail: t.scopes.join(', ') || '—' }))}
        loading={tokens.isPending}
        onRevoke={(id) => revoke.mutateAsync({ id })}
        canRevoke={session.canAdmin}
      />
      <Dialog open={clear !== null} title="Your new token" onClose={() => setClear(null)}>
        {clear ? (
          <div className="form">
            <OnceSecret label="token" secret={clear} />
            <div className="form-actions">
              <button type="button" className="primary" onClick={() => setClear(null)}>
                Done
              </button>
            </div>
          </div>
        ) : null}
      </Dialog>
    </section>
  );
}

function TokenTable({
  rows,
  loading,
  onRevoke,
  canRevoke,
}: {
  rows: {
    id: string;
    name: string;
    start: string;
    detail: string;
    lastUsedAt: string | null;
    revokedAt: string | null;
    createdAt: string;
  }[];
  loading: boolean;
  onRevoke: (id: string) => Promise<unknown>;
  canRevoke: boolean;
}) {
  if (loading) return <Skeleton rows={2} />;
  if (rows.length === 0) return <EmptyState title="No tokens yet" />;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Details</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td className="mono">{t.start}…</td>
              <td>{t.detail}</td>
              <td>{formatDate(t.createdAt)}</td>
              <td>{timeAgo(t.lastUsedAt)}</td>
              <td>
                {t.revokedAt ? (
                  <Badge tone="danger">revoked</Badge>
                ) : (
                  <Badge tone="ok">active</Badge>
                )}
              </td>
              <td className="actions">
                {canRevoke && !t.revokedAt ? (
                  <ConfirmButton
                    label="Revoke"
                    title={`Revoke ${t.name}?`}
                    message="Anything using this token is refused from now on."
                    onConfirm={() => onRevoke(t.id)}
                  />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function SettingsPage() {
  const session = useSession();
  return (
    <>
      <PageHeader title="Settings" description="Members, roles and tokens." />
      {session.canAdmin ? (
        <Members />
      ) : (
        <section className="panel">
          <h2>Members</h2>
          <p className="muted" style={{ margin: 0 }}>
            You are signed in as {session.user.email} with the {session.role} role. Admins manage
            members, roles and machine tokens.
          </p>
        </section>
      )}
      <PersonalTokens />
      {session.canAdmin ? (
        <>
          <MachineTokens
            kind="dataplane"
            title="Data-plane tokens"
            help="Gateways authenticate to the control plane with these (PORTICO_DP_TOKEN)."
          />
          <MachineTokens
            kind="registry"
            title="Registry tokens"
            help="Services register their instances in the built-in registry with these."
          />
        </>
      ) : null}
    </>
  );
}
