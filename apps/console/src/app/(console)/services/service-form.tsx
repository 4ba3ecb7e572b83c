'use client';

import { useMutation } from '@tanstack/react-query';
import { TextInput, useForm } from '../../../components/fields';
import { FormActions, MutationForm } from '../../../components/forms';
import { useInvalidate } from '../../../components/list-page';
import { useTRPC } from '../../../lib/trpc';
import { GrpcFields } from './grpc-fields';
import { InstanceSourceFields } from './instance-source-fields';
import { initialDraft, type ServiceView, toInput, ZServiceForm } from './service-draft';
import { TrafficSettingsFields } from './traffic-settings-fields';

/** Create or edit a service: where its instances come from and how traffic reaches them. */
export function ServiceForm({
  service,
  onDone,
}: {
  service: ServiceView | null;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const form = useForm(ZServiceForm, initialDraft(service), toInput);
  const invalidate = useInvalidate(trpc.services.pathKey());
  const create = useMutation(trpc.services.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.services.update.mutationOptions({ onSuccess: invalidate }));
  const d = form.draft;

  return (
    <MutationForm
      form={form}
      error={create.error ?? update.error}
      onValid={async (input) => {
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
      }}
    >
      <div className="form-row">
        <TextInput path="name" label="Name" placeholder="orders" />
        <TextInput path="description" label="Description" />
      </div>
      <InstanceSourceFields draft={d} />
      <GrpcFields
        protocol={d.settings.protocol ?? 'http'}
        grpc={d.settings.grpc ?? { protoFiles: {} }}
        onChange={(protocol, grpc) =>
          form.set('settings', {
            ...d.settings,
            protocol: protocol === 'grpc' ? 'grpc' : undefined,
            grpc: protocol === 'grpc' ? grpc : undefined,
          })
        }
      />
      <TrafficSettingsFields />
      <FormActions
        onCancel={onDone}
        submitLabel={service ? 'Save service' : 'Create service'}
        disabled={create.isPending || update.isPending}
      />
    </MutationForm>
  );
}
