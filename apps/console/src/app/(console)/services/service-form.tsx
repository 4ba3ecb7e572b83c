'use client';

import {
  LOAD_BALANCING_ALGORITHMS,
  ZDiscoveryRef,
  ZName,
  ZServiceSettings,
  ZTarget,
} from '@portico/config';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import {
  Checkbox,
  ListInput,
  NumberInput,
  Select,
  TextInput,
  useForm,
} from '../../../components/fields';
import { ErrorAlert } from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

type ServiceView = RouterOutputs['services']['list'][number];

const ZServiceForm = z.object({
  name: ZName,
  description: z.string().max(2000).optional(),
  targets: z.array(ZTarget).max(1000),
  discovery: ZDiscoveryRef.optional(),
  settings: ZServiceSettings,
});

interface Draft {
  name: string;
  description: string;
  mode: 'static' | 'registry';
  targets: { host: string; port: number | undefined; weight: number | undefined }[];
  discovery: { registry: string; service: string; namespace: string; tags: string[] };
  settings: z.input<typeof ZServiceSettings>;
}

function toInput(d: Draft) {
  return {
    name: d.name,
    description: d.description === '' ? undefined : d.description,
    targets: d.mode === 'static' ? d.targets : [],
    discovery:
      d.mode === 'registry'
        ? {
            registry: d.discovery.registry,
            service: d.discovery.service,
            ...(d.discovery.namespace ? { namespace: d.discovery.namespace } : {}),
            ...(d.discovery.tags.length ? { tags: d.discovery.tags } : {}),
          }
        : undefined,
    settings: d.settings,
  };
}

function initialDraft(service: ServiceView | null): Draft {
  return {
    name: service?.name ?? '',
    description: service?.description ?? '',
    mode: service?.discovery ? 'registry' : 'static',
    targets: service?.targets.length
      ? service.targets.map((t) => ({ host: t.host, port: t.port, weight: t.weight }))
      : [{ host: '', port: undefined, weight: 100 }],
    discovery: {
      registry: service?.discovery?.registry ?? '',
      service: service?.discovery?.service ?? '',
      namespace: service?.discovery?.namespace ?? '',
      tags: service?.discovery?.tags ?? [],
    },
    settings: service?.settings ?? ZServiceSettings.parse({}),
  };
}

/** Create or edit a service: where its instances come from and how traffic reaches them. */
export function ServiceForm({
  service,
  onDone,
}: {
  service: ServiceView | null;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const registries = useQuery(trpc.registries.list.queryOptions());
  const form = useForm(ZServiceForm, initialDraft(service), toInput);
  const [rowKeys, setRowKeys] = useState(() => form.draft.targets.map((_, i) => i));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.services.pathKey() });
  const create = useMutation(trpc.services.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.services.update.mutationOptions({ onSuccess: invalidate }));
  const pending = create.isPending || update.isPending;
  const d = form.draft;

  return (
    <form
      className="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const input = form.submit();
        if (!input) return;
        try {
          if (service) {
            await update.mutateAsync({
              id: service.id,
              ...input,
              description: input.description ?? null,
              discovery: input.discovery ?? null,
            });
          } else {
            await create.mutateAsync(input);
          }
          onDone();
        } catch {
          // The server's message is shown from the mutation's error below.
        }
      }}
    >
      <ErrorAlert error={create.error ?? update.error} />
      <div className="form-row">
        <TextInput form={form} path="name" label="Name" placeholder="orders" />
        <TextInput form={form} path="description" label="Description" />
      </div>
      <fieldset>
        <legend>Instances</legend>
        <div className="toolbar">
          <label className="check">
            <input
              type="radio"
              name="mode"
              checked={d.mode === 'static'}
              onChange={() => form.set('mode', 'static')}
            />
            Static targets
          </label>
          <label className="check">
            <input
              type="radio"
              name="mode"
              checked={d.mode === 'registry'}
              onChange={() => form.set('mode', 'registry')}
            />
            From a registry
          </label>
        </div>
        {d.mode === 'static' ? (
          <div className="form">
            {d.targets.map((_, i) => (
              <div className="form-row" key={rowKeys[i] ?? i} style={{ alignItems: 'end' }}>
                <TextInput
                  form={form}
                  path={`targets.${i}.host`}
                  label={`Target ${i + 1} host`}
                  placeholder="10.0.0.12"
                />
                <NumberInput form={form} path={`targets.${i}.port`} label="Port" />
                <NumberInput form={form} path={`targets.${i}.weight`} label="Weight" />
                <button
                  type="button"
                  className="danger small"
                  disabled={d.targets.length <= 1}
                  onClick={() => {
                    form.set(
                      'targets',
                      d.targets.filter((_, j) => j !== i),
                    );
                    setRowKeys((keys) => keys.filter((_, j) => j !== i));
                  }}
                >
                  Remove
                </button>
              </div>
            ))}
            <div>
              <button
                type="button"
                className="small"
                onClick={() => {
                  form.set('targets', [...d.targets, { host: '', port: undefined, weight: 100 }]);
                  setRowKeys((keys) => [...keys, Math.max(-1, ...keys) + 1]);
                }}
              >
                Add target
              </button>
            </div>
          </div>
        ) : (
          <div className="form-row">
            <Select
              form={form}
              path="discovery.registry"
              label="Registry"
              options={[
                {
                  value: '',
                  label: registries.data?.length ? 'Choose a registry' : 'No registries yet',
                },
                ...(registries.data ?? []).map((r) => ({
                  value: r.name,
                  label: `${r.name} (${r.type})`,
                })),
              ]}
            />
            <TextInput form={form} path="discovery.service" label="Service name in the registry" />
            <TextInput form={form} path="discovery.namespace" label="Namespace" hint="Optional." />
            <ListInput form={form} path="discovery.tags" label="Tags" />
          </div>
        )}
      </fieldset>
      <GrpcFields
        protocol={d.settings.protocol ?? 'http'}
        protoFiles={d.settings.grpc?.protoFiles ?? {}}
        onChange={(protocol, protoFiles) =>
          form.set('settings', {
            ...d.settings,
            protocol: protocol === 'grpc' ? 'grpc' : undefined,
            grpc: protocol === 'grpc' ? { protoFiles } : undefined,
          })
        }
      />
      <fieldset>
        <legend>Load balancing and timeouts</legend>
        <div className="form-row">
          <Select form={form} path="settings.scheme" label="Scheme" options={['http', 'https']} />
          <Select
            form={form}
            path="settings.loadBalancer.algorithm"
            label="Algorithm"
            options={LOAD_BALANCING_ALGORITHMS}
          />
          <Select
            form={form}
            path="settings.loadBalancer.hashOn"
            label="Hash on (consistent-hash)"
            options={['ip', 'consumer', 'header']}
          />
        </div>
        <div className="form-row">
          <NumberInput
            form={form}
            path="settings.timeouts.connectMs"
            label="Connect timeout (ms)"
          />
          <NumberInput form={form} path="settings.timeouts.firstByteMs" label="First byte (ms)" />
          <NumberInput form={form} path="settings.timeouts.totalMs" label="Total (ms)" />
        </div>
      </fieldset>
      <fieldset>
        <legend>Retries</legend>
        <div className="form-row">
          <NumberInput form={form} path="settings.retries.attempts" label="Attempts" />
          <NumberInput form={form} path="settings.retries.budgetPercent" label="Retry budget (%)" />
          <div className="field">
            <span className="field-label">Non-idempotent</span>
            <Checkbox
              form={form}
              path="settings.retries.retryNonIdempotent"
              label="Retry POST/PATCH too"
            />
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>Health checks</legend>
        <div className="toolbar">
          <Checkbox form={form} path="settings.healthCheck.active.enabled" label="Active checks" />
          <Checkbox
            form={form}
            path="settings.healthCheck.passive.enabled"
            label="Passive (outlier) ejection"
          />
        </div>
        <div className="form-row">
          <TextInput form={form} path="settings.healthCheck.active.path" label="Check path" />
          <NumberInput
            form={form}
            path="settings.healthCheck.active.intervalMs"
            label="Interval (ms)"
          />
          <NumberInput
            form={form}
            path="settings.healthCheck.passive.consecutiveFailures"
            label="Failures before ejection"
          />
          <NumberInput
            form={form}
            path="settings.healthCheck.maxEjectionPercent"
            label="Max ejected (%)"
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Circuit breaker</legend>
        <Checkbox form={form} path="settings.circuitBreaker.enabled" label="Enabled" />
        <div className="form-row">
          <NumberInput
            form={form}
            path="settings.circuitBreaker.failureRatePercent"
            label="Failure rate to open (%)"
          />
          <NumberInput
            form={form}
            path="settings.circuitBreaker.minimumRequests"
            label="Minimum requests"
          />
          <NumberInput form={form} path="settings.circuitBreaker.openMs" label="Open for (ms)" />
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={pending}>
          {service ? 'Save service' : 'Create service'}
        </button>
      </div>
    </form>
  );
}

/**
 * What the gateway speaks to the instances. For gRPC the proto files are uploaded here and stored
 * with the service; the control plane compiles them on save and shows the compiler's message.
 */
function GrpcFields({
  protocol,
  protoFiles,
  onChange,
}: {
  protocol: 'http' | 'grpc';
  protoFiles: Record<string, string>;
  onChange: (protocol: 'http' | 'grpc', protoFiles: Record<string, string>) => void;
}) {
  const names = Object.keys(protoFiles).sort();
  return (
    <fieldset>
      <legend>Protocol</legend>
      <div className="toolbar">
        <label className="check">
          <input
            type="radio"
            name="protocol"
            checked={protocol === 'http'}
            onChange={() => onChange('http', protoFiles)}
          />
          HTTP
        </label>
        <label className="check">
          <input
            type="radio"
            name="protocol"
            checked={protocol === 'grpc'}
            onChange={() => onChange('grpc', protoFiles)}
          />
          gRPC (REST to gRPC transcoding)
        </label>
      </div>
      {protocol === 'grpc' ? (
        <div className="form">
          <label className="field">
            <span className="field-label">Proto files</span>
            <input
              type="file"
              accept=".proto"
              multiple
              onChange={async (e) => {
                const files = [...(e.target.files ?? [])];
                const added: Record<string, string> = { ...protoFiles };
                // Stored under their names: imports between them must use the same names.
                for (const file of files) added[file.name] = await file.text();
                onChange('grpc', added);
                e.target.value = '';
              }}
            />
            <span className="hint">
              Imports may name these files, google/protobuf/*.proto and
              google/api/annotations.proto.
            </span>
          </label>
          {names.length === 0 ? (
            <p className="muted">No proto files yet.</p>
          ) : (
            <ul>
              {names.map((name) => (
                <li key={name}>
                  <code>{name}</code>{' '}
                  <button
                    type="button"
                    className="danger small"
                    onClick={() => {
                      const { [name]: _removed, ...rest } = protoFiles;
                      onChange('grpc', rest);
                    }}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </fieldset>
  );
}
