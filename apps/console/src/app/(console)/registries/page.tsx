'use client';

import { REGISTRY_TYPES, ZRegistryFields } from '@portico/config';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { EditorDialog, ItemDialog, useEditing } from '../../../components/dialogs';
import { RecordInput, Select, TextInput, useForm } from '../../../components/fields';
import { FormActions, MutationForm } from '../../../components/forms';
import { EditDeleteActions, NewButton, useInvalidate } from '../../../components/list-page';
import { NO_FILTERS, PagedList, useListUrl } from '../../../components/paged-list';
import { Table } from '../../../components/table';
import { Badge, ErrorAlert, PageHeader, Skeleton, timeAgo } from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

type RegistryView = RouterOutputs['registries']['page']['items'][number];
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

/** The server's registry fields, with the options edited as JSON text. */
const ZRegistryForm = ZRegistryFields.omit({ options: true }).extend({ optionsText: ZOptionsText });

function RegistryForm({ registry, onDone }: { registry: RegistryView | null; onDone: () => void }) {
  const trpc = useTRPC();
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
  const invalidate = useInvalidate(trpc.registries.pathKey());
  const create = useMutation(trpc.registries.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.registries.update.mutationOptions({ onSuccess: invalidate }));
  return (
    <MutationForm
      form={form}
      error={create.error ?? update.error}
      onValid={async (input) => {
        const fields = {
          name: input.name,
          type: input.type,
          address: input.address,
          options:
            input.optionsText.trim() === ''
              ? {}
              : (JSON.parse(input.optionsText) as Record<string, unknown>),
          ...(Object.keys(input.credentials).length ? { credentials: input.credentials } : {}),
        };
        if (registry) await update.mutateAsync({ id: registry.id, ...fields });
        else await create.mutateAsync(fields);
        onDone();
      }}
    >
      <div className="form-row">
        <TextInput path="name" label="Name" placeholder="consul-prod" />
        <Select path="type" label="Type" options={REGISTRY_TYPES} />
      </div>
      <TextInput
        path="address"
        label="Address"
        placeholder="http://consul.internal:8500"
        hint="Blank for the built-in registry."
      />
      <TextInput path="optionsText" label="Options (JSON)" multiline />
      <RecordInput path="credentials" label="Credentials" />
      <p className="muted" style={{ margin: 0 }}>
        Credentials are write-only: sealed at rest and never shown again.
        {registry?.hasCredentials ? ' Leave blank to keep the stored ones.' : ''}
      </p>
      <FormActions
        onCancel={onDone}
        submitLabel={registry ? 'Save registry' : 'Create registry'}
        disabled={create.isPending || update.isPending}
      />
    </MutationForm>
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
        <Table
          headers={['Address', 'Port', 'Weight', 'Zone', 'Metadata']}
          items={data.instances}
          cells={(i) => (
            <>
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
            </>
          )}
        />
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
  const list = useListUrl(NO_FILTERS);
  const registries = useQuery({
    ...trpc.registries.page.queryOptions(list.paging),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
  const { editing, edit, close } = useEditing<RegistryView>();
  const [tested, setTested] = useState<TestResult | null>(null);
  const invalidate = useInvalidate(trpc.registries.pathKey());
  const test = useMutation(
    trpc.registries.test.mutationOptions({
      onSuccess: (result) => {
        setTested(result);
        return invalidate();
      },
    }),
  );
  const remove = useMutation(trpc.registries.delete.mutationOptions({ onSuccess: invalidate }));
  return (
    <>
      <PageHeader
        title="Registries"
        description="Where services' instances are discovered: Consul, Kubernetes, Eureka, etcd, ZooKeeper, DNS or the built-in registry."
        actions={<NewButton label="New registry" onClick={() => edit('new')} />}
      />
      <PagedList
        query={registries}
        list={list}
        noun="registry"
        search={{ label: 'Search registries', placeholder: 'Search by name or address…' }}
        actionError={test.error}
        emptyTitle="No registries yet"
        emptyText="Connect a registry, test the connection, then create services that reference it."
        headers={['Name', 'Type', 'Address', 'Status', 'Last checked']}
        cells={(r) => (
          <>
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
          </>
        )}
        actions={(r) => (
          <EditDeleteActions
            noun="registry"
            name={r.name}
            deleteMessage="Refused while services reference it."
            onEdit={() => edit(r)}
            onDelete={() => remove.mutateAsync({ id: r.id })}
          >
            <button
              type="button"
              className="small"
              disabled={test.isPending}
              onClick={() => test.mutate({ id: r.id })}
            >
              Test connection
            </button>
          </EditDeleteActions>
        )}
      />
      <EditorDialog noun="registry" editing={editing} onClose={close}>
        {(registry) => <RegistryForm registry={registry} onDone={close} />}
      </EditorDialog>
      <ItemDialog item={tested} title={() => 'Connection test'} onClose={() => setTested(null)}>
        {(result) => (
          <>
            <TestResultView result={result} />
            <div className="form-actions">
              <button type="button" className="primary" onClick={() => setTested(null)}>
                Close
              </button>
            </div>
          </>
        )}
      </ItemDialog>
    </>
  );
}
