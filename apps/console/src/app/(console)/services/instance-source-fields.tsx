'use client';

import { useQuery } from '@tanstack/react-query';
import {
  ListInput,
  NumberInput,
  Radios,
  Select,
  TextInput,
  useFormContext,
  withPlaceholder,
} from '../../../components/fields';
import { useRowKeys } from '../../../components/use-row-keys';
import { useTRPC } from '../../../lib/trpc';
import type { Draft } from './service-draft';

const MODES = [
  { value: 'static', label: 'Static targets' },
  { value: 'registry', label: 'From a registry' },
] as const;

/** Where the service's instances come from: static targets, or a service in a registry. */
export function InstanceSourceFields({ draft: d }: { draft: Draft }) {
  const form = useFormContext();
  const trpc = useTRPC();
  const registries = useQuery(trpc.registries.list.queryOptions());
  const rowKeys = useRowKeys(d.targets.length);
  return (
    <fieldset>
      <legend>Instances</legend>
      <Radios
        name="mode"
        value={d.mode}
        options={MODES}
        onChange={(mode) => form.set('mode', mode)}
      />
      {d.mode === 'static' ? (
        <div className="form">
          {d.targets.map((_, i) => (
            <div className="form-row" key={rowKeys.keyAt(i)} style={{ alignItems: 'end' }}>
              <TextInput
                path={`targets.${i}.host`}
                label={`Target ${i + 1} host`}
                placeholder="10.0.0.12"
              />
              <NumberInput path={`targets.${i}.port`} label="Port" />
              <NumberInput path={`targets.${i}.weight`} label="Weight" />
              <button
                type="button"
                className="danger small"
                disabled={d.targets.length <= 1}
                onClick={() => {
                  form.set(
                    'targets',
                    d.targets.filter((_, j) => j !== i),
                  );
                  rowKeys.removed(i);
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
                rowKeys.added();
              }}
            >
              Add target
            </button>
          </div>
        </div>
      ) : (
        <div className="form-row">
          <Select
            path="discovery.registry"
            label="Registry"
            options={withPlaceholder(
              registries.data?.length ? 'Choose a registry' : 'No registries yet',
              (registries.data ?? []).map((r) => ({
                value: r.name,
                label: `${r.name} (${r.type})`,
              })),
            )}
          />
          <TextInput path="discovery.service" label="Service name in the registry" />
          <TextInput path="discovery.namespace" label="Namespace" hint="Optional." />
          <ListInput path="discovery.tags" label="Tags" />
        </div>
      )}
    </fieldset>
  );
}
