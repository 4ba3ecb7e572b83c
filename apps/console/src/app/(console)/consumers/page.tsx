'use client';

import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { EditorDialog, ItemDialog, useEditing } from '../../../components/dialogs';
import { TextInput, useForm } from '../../../components/fields';
import { FormActions, MutationForm } from '../../../components/forms';
import {
  EditDeleteActions,
  NameCell,
  NewButton,
  RowButton,
  useInvalidate,
} from '../../../components/list-page';
import { PagedList, useListUrl } from '../../../components/paged-list';
import { Badge, ErrorAlert, Field, formatDate, PageHeader } from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';
import { ZConsumerForm } from './consumer-form';

type ConsumerView = RouterOutputs['consumers']['page']['items'][number];

const CONSUMER_FILTERS = { status: '' } as const;
const STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
] as const;
const isStatus = (value: string) => STATUSES.find((s) => s.value === value)?.value;

function ConsumerForm({ consumer, onDone }: { consumer: ConsumerView | null; onDone: () => void }) {
  const trpc = useTRPC();
  const form = useForm(
    ZConsumerForm,
    {
      name: consumer?.name ?? '',
      description: consumer?.description ?? '',
      webhookUrl: consumer?.webhookUrl ?? '',
    },
    (d) => ({
      name: d.name,
      description: d.description || undefined,
      webhookUrl: d.webhookUrl || undefined,
    }),
  );
  const invalidate = useInvalidate(trpc.consumers.pathKey());
  const create = useMutation(trpc.consumers.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.consumers.update.mutationOptions({ onSuccess: invalidate }));
  return (
    <MutationForm
      form={form}
      error={create.error ?? update.error}
      onValid={async (input) => {
        if (consumer)
          await update.mutateAsync({
            id: consumer.id,
            name: input.name,
            description: input.description ?? null,
            webhookUrl: input.webhookUrl ?? null,
          });
        else await create.mutateAsync(input);
        onDone();
      }}
    >
      <TextInput path="name" label="Name" placeholder="acme-mobile-app" />
      <TextInput path="description" label="Description" />
      <TextInput
        path="webhookUrl"
        label="Quota webhook URL"
        hint="Optional: notified when the consumer nears its quota."
      />
      <FormActions
        onCancel={onDone}
        submitLabel={consumer ? 'Save consumer' : 'Create consumer'}
        disabled={create.isPending || update.isPending}
      />
    </MutationForm>
  );
}

function SubscribeForm({ consumer, onDone }: { consumer: ConsumerView; onDone: () => void }) {
  const trpc = useTRPC();
  const plans = useQuery(trpc.plans.list.queryOptions());
  const [planId, setPlanId] = useState('');
  const invalidate = useInvalidate(trpc.subscriptions.pathKey());
  const subscribe = useMutation(
    trpc.subscriptions.create.mutationOptions({ onSuccess: invalidate }),
  );
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await subscribe.mutateAsync({ consumerId: consumer.id, planId });
          onDone();
        } catch {
          // Shown below.
        }
      }}
    >
      <ErrorAlert error={subscribe.error} />
      <Field label="Plan" error={planId === '' ? undefined : undefined}>
        {(p) => (
          <select {...p} value={planId} onChange={(e) => setPlanId(e.target.value)}>
            <option value="">
              {plans.isPending
                ? 'Loading plans…'
                : plans.data?.length
                  ? 'Choose a plan'
                  : 'Create a plan first'}
            </option>
            {(plans.data ?? []).map((plan) => (
              <option key={plan.id} value={plan.id}>
                {plan.name}
                {plan.approvalRequired ? ' (needs approval)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormActions
        onCancel={onDone}
        submitLabel="Subscribe"
        disabled={planId === '' || subscribe.isPending}
      />
    </form>
  );
}

export default function ConsumersPage() {
  const trpc = useTRPC();
  const list = useListUrl(CONSUMER_FILTERS);
  const status = isStatus(list.filters.status);
  const consumers = useQuery({
    ...trpc.consumers.page.queryOptions({ ...list.paging, ...(status ? { status } : {}) }),
    placeholderData: keepPreviousData,
  });
  const { editing, edit, close } = useEditing<ConsumerView>();
  const [subscribing, setSubscribing] = useState<ConsumerView | null>(null);
  const invalidate = useInvalidate(trpc.consumers.pathKey());
  const suspend = useMutation(trpc.consumers.suspend.mutationOptions({ onSuccess: invalidate }));
  const activate = useMutation(trpc.consumers.activate.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.consumers.delete.mutationOptions({ onSuccess: invalidate }));

  return (
    <>
      <PageHeader
        title="Consumers"
        description="Applications and partners that call your APIs with keys."
        actions={<NewButton label="New consumer" onClick={() => edit('new')} />}
      />
      <PagedList
        query={consumers}
        list={list}
        noun="consumer"
        search={{ label: 'Search consumers', placeholder: 'Search consumers…' }}
        filters={[
          { key: 'status', label: 'Status', all: 'Any status', options: STATUSES, maxWidth: 180 },
        ]}
        actionError={suspend.error ?? activate.error}
        emptyTitle="No consumers yet"
        emptyText="Create a consumer, subscribe it to a plan, then give it a key."
        headers={['Name', 'Status', 'Created']}
        cells={(c) => (
          <>
            <NameCell name={c.name} description={c.description} href={`/consumers/${c.id}`} />
            <td>
              <Badge tone={c.status === 'active' ? 'ok' : 'danger'}>{c.status}</Badge>
            </td>
            <td>{formatDate(c.createdAt)}</td>
          </>
        )}
        actions={(c) => (
          <>
            <Link href={`/consumers/${c.id}`}>Credentials</Link>
            <Link href={`/keys?consumer=${c.id}`}>Keys</Link>
            <EditDeleteActions
              noun="consumer"
              name={c.name}
              deleteMessage="Its keys stop working and its subscriptions end. This cannot be undone."
              onEdit={() => edit(c)}
              onDelete={() => remove.mutateAsync({ id: c.id })}
              afterEdit={
                c.status === 'active' ? (
                  <RowButton onClick={() => suspend.mutate({ id: c.id })}>Suspend</RowButton>
                ) : (
                  <RowButton onClick={() => activate.mutate({ id: c.id })}>Activate</RowButton>
                )
              }
            >
              <RowButton onClick={() => setSubscribing(c)}>Subscribe</RowButton>
            </EditDeleteActions>
          </>
        )}
      />
      <EditorDialog noun="consumer" editing={editing} onClose={close}>
        {(consumer) => <ConsumerForm consumer={consumer} onDone={close} />}
      </EditorDialog>
      <ItemDialog
        item={subscribing}
        title={(c) => `Subscribe ${c.name} to a plan`}
        onClose={() => setSubscribing(null)}
      >
        {(c) => <SubscribeForm consumer={c} onDone={() => setSubscribing(null)} />}
      </ItemDialog>
    </>
  );
}
