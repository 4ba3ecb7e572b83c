'use client';

import { REGISTRY_TYPES, ZName, ZRegistryType } from '@portico/config';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { RecordInput, Select, TextInput, useForm } from '../../../components/fields';
import { useSession } from '../../../components/session';
import {
  Badge,
  ConfirmButton,
  Dialog,
  EmptyState,
  ErrorAlert,
  PageHeader,
  Skeleton,
  timeAgo,
  usePaged,
} from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

type RegistryView = RouterOutputs['registries']['list'][number];
type TestResult = RouterOutputs['registries']['test'];

const ZOptionsText = z.string().refine((text) => {
  if (text.trim() === '') return true;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}, 'must be a JSON object, e.g. {"namespace": "prod"}');

const ZRegistryForm = z.object({
  name: ZName,
  type: ZRegistryType,
  address: z.string().trim().max(2000),
  optionsText: ZOptionsText,
  credentials: z.record(z.string().max(100), z.string().max(10_000)),
});

function RegistryForm({ registry, onDone }: { registry: RegistryView | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm(ZRegistryForm, {
    name: registry?.name ?? '',
    type: registry?.type ?? 'consul',
    address: registry?.address ?? '',
    optionsText:
      registry && Object.keys(registry.options).length
        ? JSON.stringify(registry.options, null, 2)
        : '',
    credentials: {} as Record<string, string>,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.registries.pathKey() });
  const create = useMutation(trpc.registries.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.registries.update.mutationOptions({ onSuccess: invalidate }));
  return (
    <form
      className="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const input = form.submit();
        if (!input) return;
        const options =
          input.optionsText.trim() === ''
            ? {}
            : (JSON.parse(input.optionsText) as Record<string, unknown>);
        const credentials = Object.keys(input.credentials).length
          ? { credentials: input.credentials }
          : {};
        try {
          if (registry)
            await update.mutateAsync({
              id: registry.id,
              name: input.name,
              type: input.type,
              address: input.address,
              options,
              ...credentials,
            });
          else
            await create.mutateAsync({
              name: input.name,
              type: input.type,
              address: input.address,
              options,
              ...credentials,
            });
          onDone();
        } catch {
          // Shown below.
        }
      }}
    >
      <ErrorAlert error={create.error ?? update.error} />
      <div className="form-row">
        <TextInput form={form} path="name" label="Name" placeholder="consul-prod" />
        <Select form={form} path="type" label="Type" options={REGISTRY_TYPES} />
      </div>
      <TextInput
        form={form}
        path="address"
        label="Address"
        placeholder="http://consul.internal:8500"
        hint="Blank for the built-in registry."
      />
      <TextInput form={form} path="optionsText" label="Options (JSON)" multiline />
      <RecordInput form={form} path="credentials" label="Credentials" />
      <p className="muted" style={{ margin: 0 }}>
        Credentials are write-only: sealed at rest and never shown again.
        {registry?.hasCredentials ? ' Leave blank to keep the stored ones.' : ''}
      </p>
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={create.isPending || update.isPending}>
          {registry ? 'Save registry' : 'Create registry'}
        </button>
      </div>
    </form>
  );
}

/** One service's instances, read from the registry every 5 s while shown. */
function InstancesView({ registryId, service }: { registryId: string; service: string }) {
  const trpc = useTRPC();
  const instances = useQuery({
    ...trpc.registries.instances.queryOptions({ id: registryId, service }),
    refetchInterval: 5_000,
    placeholderData: keepPreviousData,
  });
  const data = instances.data;
  return (
    <div data-testid="registry-instances">
      <h3>
        Instances of <span className="mono">{service}</span>
      </h3>
      <ErrorAlert error={instances.error} />
      {data?.error ? (
        <div className="alert" role="status">
          The registry did not answer: {data.error}
        </div>
      ) : null}
      {!data ? (
        instances.isPending ? (
          <Skeleton rows={2} />
        ) : null
      ) : data.instances.length === 0 ? (
        data.error ? null : (
          <p className="muted">No instances are registered for this service right now.</p>
        )
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Address</th>
                <th>Port</th>
                <th>Weight</th>
                <th>Zone</th>
                <th>Metadata</th>
              </tr>
            </thead>
            <tbody>
              {data.instances.map((i) => (
                <tr key={i.id}>
                  <td className="mono">{i.address}</td>
                  <td>{i.port}</td>
                  <td>{i.weight}</td>
                  <td>{i.zone ?? '—'}</td>
                  <td className="mono">
                    {Object.keys(i.metadata).length === 0
                      ? '—'
                      : Object.entries(i.metadata)
                          .map(([k, v]) => `${k}=${v}`)
                          .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data ? (
        <p className="muted" style={{ marginBottom: 0 }}>
          Read {timeAgo(data.checkedAt)}; refreshes every 5 s.
        </p>
      ) : null}
    </div>
  );
}

function TestResultView({ result }: { result: TestResult }) {
  const [service, setService] = useState<string | null>(null);
  return (
    <div className="form">
      <div className={`alert ${result.ok ? 'ok' : ''}`} role="status">
        {result.ok ? 'Connected' : 'Could not connect'}: {result.status}
        {result.error ? ` — ${result.error}` : ''}
      </div>
      {result.services === null ? (
        <p className="muted">Only reachability was checked for this registry type.</p>
      ) : result.services.length === 0 ? (
        <p className="muted">The registry holds no services.</p>
      ) : (
        <div>
          <h3>Services in the registry</h3>
          <p className="muted">Choose a service to see its instances.</p>
          <ul className="diff-list">
            {result.services.map((s) => (
              <li key={s} className="mono">
                <button
                  type="button"
                  className="small"
                  aria-pressed={service === s}
                  onClick={() => setService(s)}
                >
                  {s}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {service !== null && result.services?.includes(service) ? (
        <InstancesView registryId={result.registry.id} service={service} />
      ) : null}
    </div>
  );
}

export default function RegistriesPage() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const registries = useQuery({ ...trpc.registries.list.queryOptions(), refetchInterval: 15_000 });
  const [editing, setEditing] = useState<RegistryView | 'new' | null>(null);
  const [tested, setTested] = useState<TestResult | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.registries.pathKey() });
  const test = useMutation(
    trpc.registries.test.mutationOptions({
      onSuccess: (result) => {
        setTested(result);
        return invalidate();
      },
    }),
  );
  const remove = useMutation(trpc.registries.delete.mutationOptions({ onSuccess: invalidate }));
  const { rows, pager } = usePaged(registries.data ?? []);
  return (
    <>
      <PageHeader
        title="Registries"
        description="Where services' instances are discovered: Consul, Kubernetes, Eureka, etcd, ZooKeeper, DNS or the built-in registry."
        actions={
          session.canEdit ? (
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              New registry
            </button>
          ) : null
        }
      />
      <ErrorAlert error={registries.error ?? test.error} />
      {registries.isPending ? (
        <Skeleton />
      ) : rows.length === 0 ? (
        <div className="panel">
          <EmptyState title="No registries yet">
            Connect a registry, test the connection, then create services that reference it.
          </EmptyState>
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Address</th>
                <th>Status</th>
                <th>Last checked</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <strong>{r.name}</strong> {r.hasCredentials ? <Badge>credentials</Badge> : null}
                  </td>
                  <td>{r.type}</td>
                  <td className="mono">{r.address || '—'}</td>
                  <td>
                    {r.lastStatus === null ? (
                      <Badge>not tested</Badge>
                    ) : r.lastError ? (
                      <Badge tone="danger">{r.lastStatus}</Badge>
                    ) : (
                      <Badge tone="ok">{r.lastStatus}</Badge>
                    )}
                    {r.lastError ? <div className="diff-del">{r.lastError}</div> : null}
                  </td>
                  <td>{timeAgo(r.lastCheckedAt)}</td>
                  <td className="actions">
                    {session.canEdit ? (
                      <>
                        <button
                          type="button"
                          className="small"
                          disabled={test.isPending}
                          onClick={() => test.mutate({ id: r.id })}
                        >
                          Test connection
                        </button>
                        <button type="button" className="small" onClick={() => setEditing(r)}>
                          Edit
                        </button>
                        <ConfirmButton
                          label="Delete"
                          title={`Delete registry ${r.name}?`}
                          message="Refused while services reference it."
                          onConfirm={() => remove.mutateAsync({ id: r.id })}
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
        title={editing === 'new' ? 'New registry' : `Edit ${editing?.name ?? ''}`}
        onClose={() => setEditing(null)}
      >
        {editing !== null ? (
          <RegistryForm
            key={editing === 'new' ? 'new' : editing.id}
            registry={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
      <Dialog open={tested !== null} title={`Connection test`} onClose={() => setTested(null)}>
        {tested ? (
          <>
            <TestResultView result={tested} />
            <div className="form-actions">
              <button type="button" className="primary" onClick={() => setTested(null)}>
                Close
              </button>
            </div>
          </>
        ) : null}
      </Dialog>
    </>
  );
}
