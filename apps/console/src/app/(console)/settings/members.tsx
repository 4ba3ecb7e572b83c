'use client';

import { ZOperatorRole } from '@portico/config';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useInvalidate } from '../../../components/list-page';
import { useSession } from '../../../components/session';
import { Table } from '../../../components/table';
import { Badge, ConfirmButton, ErrorAlert, Skeleton } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';
import { InviteDialog } from './invite-dialog';

const ROLES = ZOperatorRole.options;

/** Operators with their roles; admins change roles, disable members and invite new ones. */
export function Members() {
  const trpc = useTRPC();
  const session = useSession();
  const users = useQuery(trpc.users.list.queryOptions());
  const invalidate = useInvalidate(trpc.users.pathKey());
  const updateRole = useMutation(trpc.users.updateRole.mutationOptions({ onSuccess: invalidate }));
  const disable = useMutation(trpc.users.disable.mutationOptions({ onSuccess: invalidate }));
  const [inviting, setInviting] = useState(false);
  // Admins manage everyone but themselves, and nobody already disabled.
  const manageable = (u: { id: string; disabledAt: string | null }) =>
    session.canAdmin && u.id !== session.user.id && !u.disabledAt;

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
        <Table
          headers={['Name', 'Email', 'Role', 'Status']}
          items={(users.data ?? []).filter((u) => u.kind === 'operator')}
          cells={(u) => (
            <>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                {manageable(u) ? (
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
            </>
          )}
          actions={(u) =>
            manageable(u) ? (
              <ConfirmButton
                label="Disable"
                title={`Disable ${u.email}?`}
                message="They are signed out everywhere and their tokens stop working."
                onConfirm={() => disable.mutateAsync({ id: u.id })}
              />
            ) : null
          }
        />
      )}
      <InviteDialog open={inviting} onClose={() => setInviting(false)} />
    </section>
  );
}
