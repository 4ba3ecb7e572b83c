'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { NumberInput, TextInput, useForm } from '../../../components/fields';
import { MutationForm } from '../../../components/forms';
import { useInvalidate } from '../../../components/list-page';
import { ErrorAlert, formatDate } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';
import { NewTokenDialog } from './new-token-dialog';
import { TokenTable } from './token-table';

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
  const [clear, setClear] = useState<string | null>(null);
  const form = useForm(ZPersonalTokenForm, { name: '', expiresInDays: 90 as number | undefined });
  return (
    <section className="panel">
      <h2>Personal access tokens</h2>
      <p className="muted">For the CLI and scripts: they act as you, with your role.</p>
      <MutationForm
        form={form}
        className="form-row"
        style={{ alignItems: 'end', marginBottom: 12 }}
        onValid={async (input) => {
          const result = await create.mutateAsync(input);
          setClear(result.token);
        }}
      >
        <TextInput path="name" label="Token name" placeholder="laptop CLI" />
        <NumberInput path="expiresInDays" label="Expires in (days)" hint="Blank: never." />
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create token
          </button>
        </div>
      </MutationForm>
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
      <NewTokenDialog token={clear} onClose={() => setClear(null)} />
    </section>
  );
}
