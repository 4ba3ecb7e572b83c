'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { TextInput, useForm } from '../../../components/fields';
import { MutationForm } from '../../../components/forms';
import { useInvalidate } from '../../../components/list-page';
import { useSession } from '../../../components/session';
import { ErrorAlert } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';
import { NewTokenDialog } from './new-token-dialog';
import { TokenTable } from './token-table';

const ZMachineTokenForm = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100),
});

/** Tokens of one machine kind: gateways (data plane) or registering services (registry). */
export function MachineTokens({
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
  const tokens = useQuery(trpc.tokens.listMachine.queryOptions());
  const invalidate = useInvalidate(trpc.tokens.pathKey());
  const create = useMutation(trpc.tokens.createMachine.mutationOptions({ onSuccess: invalidate }));
  const revoke = useMutation(trpc.tokens.revokeMachine.mutationOptions({ onSuccess: invalidate }));
  const [clear, setClear] = useState<string | null>(null);
  const form = useForm(ZMachineTokenForm, { name: '' });
  const rows = (tokens.data ?? []).filter((t) => t.kind === kind);
  return (
    <section className="panel">
      <h2>{title}</h2>
      <p className="muted">{help}</p>
      {session.canAdmin ? (
        <MutationForm
          form={form}
          className="form-row"
          style={{ alignItems: 'end', marginBottom: 12 }}
          onValid={async (input) => {
            const result = await create.mutateAsync({
              kind,
              name: input.name,
              ...(kind === 'registry'
                ? { scopes: ['register', 'read'] as ('register' | 'read')[] }
                : {}),
            });
            setClear(result.token);
          }}
        >
          <TextInput
            path="name"
            label={`New ${kind === 'dataplane' ? 'data-plane' : 'registry'} token name`}
          />
          <div>
            <button type="submit" className="primary" disabled={create.isPending}>
              Create token
            </button>
          </div>
        </MutationForm>
      ) : null}
      <ErrorAlert error={create.error ?? tokens.error} />
      <TokenTable
        rows={rows.map((t) => ({ ...t, detail: t.scopes.join(', ') || '—' }))}
        loading={tokens.isPending}
        onRevoke={(id) => revoke.mutateAsync({ id })}
        canRevoke={session.canAdmin}
      />
      <NewTokenDialog token={clear} onClose={() => setClear(null)} />
    </section>
  );
}
