'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { TextInput, useForm } from '../../../components/fields';
import { useInvalidate } from '../../../components/list-page';
import { useSession } from '../../../components/session';
import { useTRPC } from '../../../lib/trpc';
import { TokensPanel } from './tokens-panel';

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
  const form = useForm(ZMachineTokenForm, { name: '' });
  const rows = (tokens.data ?? []).filter((t) => t.kind === kind);
  return (
    <TokensPanel
      title={title}
      help={help}
      form={form}
      onCreate={async (input) => {
        const result = await create.mutateAsync({
          kind,
          name: input.name,
          ...(kind === 'registry'
            ? { scopes: ['register', 'read'] as ('register' | 'read')[] }
            : {}),
        });
        return result.token;
      }}
      creating={create.isPending}
      canCreate={session.canAdmin}
      error={create.error ?? tokens.error}
      rows={rows.map((t) => ({ ...t, detail: t.scopes.join(', ') || '—' }))}
      loading={tokens.isPending}
      onRevoke={(id) => revoke.mutateAsync({ id })}
      canRevoke={session.canAdmin}
    >
      <TextInput
        path="name"
        label={`New ${kind === 'dataplane' ? 'data-plane' : 'registry'} token name`}
      />
    </TokensPanel>
  );
}
