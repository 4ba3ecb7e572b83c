'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
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
  usePaged,
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
  const queryClient = useQueryClient();
  const consumers = useQuery(trpc.consumers.list.queryOptions({}));
  const form = useForm(ZKeyForm, {
    consumerId,
    name: 'default',
    expiresInDays: undefined as number | undefined,
  });
  const create = useMutation(
    trpc.keys.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.keys.pathKey() }),
    }),
  );
  return (
    <form
      className="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const input = form.submit();
        if (!input) return;
        try {
          const result = await create.mutateAsync({
            consumerId: input.consumerId,
            name: input.name,
            ...(input.expiresInDays ? { expiresInSeconds: input.expiresInDays * 86_400 } : {}),
          });
          onCreated(result.clear);
        } catch {
          // Shown below.
        }
      }}
    >
      <ErrorAlert error={create.error} />
      <Select
        form={form}
        path="consumerId"
        label="Consumer"
        options={[
          {
            value: '',
            label: consumers.data?.length ? 'Choose a consumer' : 'Create a consumer first',
          },
          ...(consumers.data ?? []).map((c) => ({ value: c.id, label: c.name })),
        ]}
      />
      <TextInput form={form} path="name" label="Key name" />
      <NumberInput
        form={form}
        path="expiresInDays"
        label="Expires in (days)"
        hint="Blank: never expires."
      />
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create key
        </button>
      </div>
    </form>
  );
}

export default function KeysPage() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const [consumerId, setConsumerId] = useState('');
  useEffect(() => {
    // Deep link from the Consumers page: /keys?consumer=<id>.
    const fromUrl = new URLSearchParams(window.location.search).get('consumer');
    if (fromUrl) setConsumerId(fromUrl);
  }, []);
  const consumers = useQuery(trpc.consumers.list.queryOptions({}));
  const keys = useQuery(trpc.keys.list.queryOptions(consumerId ? { consumerId } : {}));
  const [creating, setCreating] = useState(false);
  const [clear, setClear] = useState<string | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.keys.pathKey() });
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
  const { rows, pager } = usePaged(keys.data ?? []);

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys identify consumers at the gateway. Portico stores only their hashes."
        actions={
          session.canEdit ? (
            <button
              type="button"
              className="primary"
              onClick={() => {
                setClear(null);
                setCreating(true);
              }}
            >
              New key
            </button>
          ) : null
        }
      />
      <div className="toolbar">
        <label htmlFor="key-consumer">Consumer</label>
        <select
          id="key-consumer"
          value={consumerId}
          onChange={(e) => setConsumerId(e.target.value)}
          style={{ maxWidth: 260 }}
        >
          <option value="">All consumers</option>
          {(consumers.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert error={keys.error} />
      {keys.isPending ? (
        <Skeleton />
      ) : rows.length === 0 ? (
        <div className="panel">
          <EmptyState title="No keys">
            {session.canEdit
              ? 'Create a key for a consumer; it is shown once.'
              : 'No keys have been issued yet.'}
          </EmptyState>
        </div>
      ) : (
        <div className="table-wrap">
          <table data-testid="keys-table">
            <thead>
              <tr>
                <th>Prefix</th>
                <th>Name</th>
                <th>Consumer</th>
                <th>Status</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((k) => (
                <tr key={k.id}>
                  <td className="mono">{k.start}…</td>
                  <td>{k.name}</td>
                  <td>{consumerName.get(k.consumerId) ?? k.consumerId}</td>
                  <td>
                    <Badge
                      tone={
                        k.status === 'active' ? 'ok' : k.status === 'revoked' ? 'danger' : 'warn'
                      }
                    >
                      {k.status}
                    </Badge>
                  </td>
                  <td>{formatDate(k.createdAt)}</td>
                  <td>{k.expiresAt ? formatDate(k.expiresAt) : 'never'}</td>
                  <td>{timeAgo(k.lastUsedAt)}</td>
                  <td className="actions">
                    {session.canEdit && k.status === 'active' ? (
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
        open={creating || clear !== null}
        title={clear ? 'Your new API key' : 'New API key'}
        onClose={() => {
          setCreating(false);
          setClear(null);
        }}
      >
        {clear ? (
          <div className="form">
            <OnceSecret label="key" secret={clear} />
            <div className="form-actions">
              <button
                type="button"
                className="primary"
                onClick={() => {
                  setCreating(false);
                  setClear(null);
                }}
              >
                Done
              </button>
            </div>
          </div>
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
