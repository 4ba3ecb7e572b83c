'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { NumberInput, TextInput, useForm } from '../../../components/fields';
import { useInvalidate } from '../../../components/list-page';
import { formatDate } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';
import { TokensPanel } from './tokens-panel';

const ZPersonalTokenForm = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/** The signed-in operator's own tokens for the CLI and scripts. */
export function PersonalTokens() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.tokens.listPersonal.queryOptions());
  const invalidate = useInvalidate(trpc.tokens.pathKey());
  const create = useMutation(trpc.tokens.createPersonal.mutationOptions({ onSuccess: invalidate }));
  const revoke = useMutation(trpc.tokens.revokePersonal.mutationOptions({ onSuccess: invalidate }));
  const form = useForm(ZPersonalTokenForm, { name: '', expiresInDays: 90 as number | undefined });
  return (
    <TokensPanel
      title="Personal access tokens"
      help="For the CLI and scripts: they act as you, with your role."
      form={form}
      onCreate={async (input) => (await create.mutateAsync(input)).token}
      creating={create.isPending}
      canCreate
      error={create.error ?? tokens.error}
      rows={(tokens.data ?? []).map((t) => ({
        ...t,
        detail: t.expiresAt ? `expires ${formatDate(t.expiresAt)}` : 'no expiry',
      }))}
      loading={tokens.isPending}
      onRevoke={(id) => revoke.mutateAsync({ id })}
      canRevoke
    >
      <TextInput path="name" label="Token name" placeholder="laptop CLI" />
      <NumberInput path="expiresInDays" label="Expires in (days)" hint="Blank: never." />
    </TokensPanel>
  );
}
