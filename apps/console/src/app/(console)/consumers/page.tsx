'use client';

import { ZName } from '@portico/config';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { z } from 'zod';
import { TextInput, useForm } from '../../../components/fields';
import { useSession } from '../../../components/session';
import {
  Badge,
  ConfirmButton,
  Dialog,
  EmptyState,
  ErrorAlert,
  Field,
  formatDate,
  PageHeader,
  Skeleton,
  usePaged,
} from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

type ConsumerView = RouterOutputs['consumers']['list'][number];

const ZConsumerForm = z.object({
  name: ZName,
  description: z.string().max(2000).optional(),
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});

function ConsumerForm({ consumer, onDone }: { consumer: ConsumerView | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
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
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.consumers.pathKey() });
  const create = useMutation(trpc.consumers.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.consumers.update.mutationOptions({ onSuccess: invalidate }));
  return (
    <form
      className="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const input = form.submit();
        if (!input) return;
        try {
          if (consumer)
            await update.mutateAsync({
              id: consumer.id,
              name: input.name,
              description: input.description ?? null,
              webhookUrl: input.webhookUrl ?? null,
            });
          else await create.mutateAsync(input);
          onDone();
        } catch {
          // Shown below.
        }
      }}
    >
      <ErrorAlert error={create.error ?? update.error} />
      <TextInput form={form} path="name" label="Name" placeholder="acme-mobile-app" />
      <TextInput form={form} path="description" label="Description" />
      <TextInput
        form={form}
        path="webhookUrl"
        label="Quota webhook URL"
        hint="Optional: notified when the consumer nears its quota."
      />
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={create.isPending || update.isPending}>
          {consumer ? 'Save consumer' : 'Create consumer'}
        </button>
      </div>
    </form>
  );
}

function SubscribeForm({ consumer, onDone }: { consumer: ConsumerView; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const plans = useQuery(trpc.plans.list.queryOptions());
  const [planId, setPlanId] = useState('');
  const subscribe = useMutation(
    trpc.subscriptions.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.subscriptions.pathKey() }),
    }),
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
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={planId === '' || subscribe.isPending}>
          Subscribe
        </button>
      </div>
    </form>
  );
}

export default function ConsumersPage() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const consumers = useQuery({
    ...trpc.consumers.list.queryOptions(deferred ? { search: deferred } : {}),
    placeholderData: (previous) => previous,
  });
  const [editing, setEditing] = useState<ConsumerView | 'new' | null>(null);
  const [subscribing, setSubscribing] = useState<ConsumerView | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.consumers.pathKey() });
  const suspend = useMutation(trpc.consumers.suspend.mutationOptions({ onSuccess: invalidate }));
  const activate = useMutation(trpc.consumers.activate.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.consumers.delete.mutationOptions({ onSuccess: invalidate }));
  const { rows, pager } = usePaged(consumers.data ?? []);

  return (
    <>
      <PageHeader
        title="Consumers"
        description="Applications and partners that call your APIs with keys."
        actions={
          session.canEdit ? (
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              New consumer
            </button>
          ) : null
        }
      />
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search consumers"
          placeholder="Search consumers…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ maxWidth: 320 }}
        />
      </div>
      <ErrorAlert error={consumers.error ?? suspend.error ?? activate.error} />
      {consumers.isPending ? (
        <Skeleton />
      ) : rows.length === 0 ? (
        <div className="panel">
          <EmptyState title={deferred ? `No consumer matches “${deferred}”` : 'No consumers yet'}>
            Create a consumer, subscribe it to a plan, then give it a key.
          </EmptyState>
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <strong>{c.name}</strong>
                    {c.description ? <div className="muted">{c.description}</div> : null}
                  </td>
                  <td>
                    <Badge tone={c.status === 'active' ? 'ok' : 'danger'}>{c.status}</Badge>
                  </td>
                  <td>{formatDate(c.createdAt)}</td>
                  <td className="actions">
                    <Link href={`/keys?consumer=${c.id}`}>Keys</Link>
                    {session.canEdit ? (
                      <>
                        <button type="button" className="small" onClick={() => setSubscribing(c)}>
                          Subscribe
                        </button>
                        <button type="button" className="small" onClick={() => setEditing(c)}>
                          Edit
                        </button>
                        {c.status === 'active' ? (
                          <button
                            type="button"
                            className="small"
                            onClick={() => suspend.mutate({ id: c.id })}
                          >
                            Suspend
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="small"
                            onClick={() => activate.mutate({ id: c.id })}
                          >
                            Activate
                          </button>
                        )}
                        <ConfirmButton
                          label="Delete"
                          title={`Delete consumer ${c.name}?`}
                          message="Its keys stop working and its subscriptions end. This cannot be undone."
                          onConfirm={() => remove.mutateAsync({ id: c.id })}
                        />
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {pager}
        </div>
      )}
      <Dialog
        open={editing !== null}
        title={editing === 'new' ? 'New consumer' : `Edit ${editing?.name ?? ''}`}
        onClose={() => setEditing(null)}
      >
        {editing !== null ? (
          <ConsumerForm
            key={editing === 'new' ? 'new' : editing.id}
            consumer={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
      <Dialog
        open={subscribing !== null}
        title={`Subscribe ${subscribing?.name ?? ''} to a plan`}
        onClose={() => setSubscribing(null)}
      >
        {subscribing ? (
          <SubscribeForm consumer={subscribing} onDone={() => setSubscribing(null)} />
        ) : null}
      </Dialog>
    </>
  );
}
