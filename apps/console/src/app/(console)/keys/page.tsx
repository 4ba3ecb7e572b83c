'use client';

import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { SecretShown } from '../../../components/dialogs';
import {
  EntitySelect,
  NumberInput,
  namedOptions,
  TextInput,
  useForm,
} from '../../../components/fields';
import { FormActions, MutationForm } from '../../../components/forms';
import { NewButton, useInvalidate } from '../../../components/list-page';
import { PagedList, useListUrl } from '../../../components/paged-list';
import { useSession } from '../../../components/session';
import {
  Badge,
  ConfirmButton,
  Dialog,
  formatDate,
  PageHeader,
  timeAgo,
} from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

// Same bounds as the server's keys.create input (name ≤ 100, expiry 60 s … 10 years).
const ZKeyForm = z.object({
  consumerId: z.string().min(1, 'choose the consumer this key belongs to'),
  name: z.string().trim().min(1, 'must not be empty').max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

function CreateKeyForm({
  consumerId,
  onCreated,
  onCancel,
}: {
  consumerId: string;
  onCreated: (clear: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const consumers = useQuery(trpc.consumers.list.queryOptions({}));
  const form = useForm(ZKeyForm, {
    consumerId,
    name: 'default',
    expiresInDays: undefined as number | undefined,
  });
  const invalidate = useInvalidate(trpc.keys.pathKey());
  const create = useMutation(trpc.keys.create.mutationOptions({ onSuccess: invalidate }));
  return (
    <MutationForm
      form={form}
      error={create.error}
      onValid={async (input) => {
        const result = await create.mutateAsync({
          consumerId: input.consumerId,
          name: input.name,
          ...(input.expiresInDays ? { expiresInSeconds: input.expiresInDays * 86_400 } : {}),
        });
        onCreated(result.clear);
      }}
    >
      <EntitySelect path="consumerId" label="Consumer" noun="consumer" rows={consumers.data} />
      <TextInput path="name" label="Key name" />
      <NumberInput path="expiresInDays" label="Expires in (days)" hint="Blank: never expires." />
      <FormActions onCancel={onCancel} submitLabel="Create key" disabled={create.isPending} />
    </MutationForm>
  );
}

const KEY_FILTERS = { consumer: '' } as const;

export default function KeysPage() {
  const trpc = useTRPC();
  const session = useSession();
  // The consumer filter lives in the URL (/keys?consumer=<id>, also the Consumers page's link).
  const list = useListUrl(KEY_FILTERS);
  const consumerId = list.filters.consumer;
  const consumers = useQuery(trpc.consumers.list.queryOptions({}));
  const keys = useQuery({
    ...trpc.keys.page.queryOptions({ ...list.paging, ...(consumerId ? { consumerId } : {}) }),
    placeholderData: keepPreviousData,
  });
  const [creating, setCreating] = useState(false);
  const [clear, setClear] = useState<string | null>(null);
  const invalidate = useInvalidate(trpc.keys.pathKey());
  const rotate = useMutation(
    trpc.keys.rotate.mutationOptions({
      onSuccess: (result) => {
        setClear(result.clear);
        return invalidate();
      },
    }),
  );
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({ onSuccess: invalidate }));
  const consumerName = new Map((consumers.data ?? []).map((c) => [c.id, c.name]));
  const closeDialog = () => {
    setCreating(false);
    setClear(null);
  };

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys identify consumers at the gateway. Portico stores only their hashes."
        actions={
          <NewButton
            label="New key"
            onClick={() => {
              setClear(null);
              setCreating(true);
            }}
          />
        }
      />
      <PagedList
        query={keys}
        list={list}
        noun="key"
        search={{ label: 'Search keys', placeholder: 'Search by name or prefix…' }}
        filters={[
          {
            key: 'consumer',
            label: 'Consumer',
            all: 'All consumers',
            options: namedOptions(consumers.data),
            maxWidth: 260,
          },
        ]}
        emptyTitle="No keys"
        emptyText={
          session.canEdit
            ? 'Create a key for a consumer; it is shown once.'
            : 'No keys have been issued yet.'
        }
        testId="keys-table"
        headers={['Prefix', 'Name', 'Consumer', 'Status', 'Created', 'Expires', 'Last used']}
        cells={(k) => (
          <>
            <td className="mono">{k.start}…</td>
            <td>{k.name}</td>
            <td>{consumerName.get(k.consumerId) ?? k.consumerId}</td>
            <td>
              <Badge
                tone={k.status === 'active' ? 'ok' : k.status === 'revoked' ? 'danger' : 'warn'}
              >
                {k.status}
              </Badge>
            </td>
            <td>{formatDate(k.createdAt)}</td>
            <td>{k.expiresAt ? formatDate(k.expiresAt) : 'never'}</td>
            <td>{timeAgo(k.lastUsedAt)}</td>
          </>
        )}
        actions={(k) =>
          session.canEdit && k.status === 'active' ? (
            <>
              <ConfirmButton
                label="Rotate"
                className="small"
                title={`Rotate key ${k.start}…?`}
                message="A new key is issued and shown once; this one stops working at once."
                onConfirm={() => rotate.mutateAsync({ id: k.id, gracePeriodSeconds: 0 })}
              />
              <ConfirmButton
                label="Revoke"
                title={`Revoke key ${k.start}…?`}
                message="Calls with this key are refused as soon as gateways receive the change (seconds)."
                onConfirm={() => revoke.mutateAsync({ id: k.id })}
              />
            </>
          ) : null
        }
      />
      <Dialog
        open={creating || clear !== null}
        title={clear ? 'Your new API key' : 'New API key'}
        onClose={closeDialog}
      >
        {clear ? (
          <SecretShown label="key" secret={clear} onDone={closeDialog} />
        ) : creating ? (
          <CreateKeyForm
            consumerId={consumerId}
            onCreated={(value) => setClear(value)}
            onCancel={() => setCreating(false)}
          />
        ) : null}
      </Dialog>
    </>
  );
}
