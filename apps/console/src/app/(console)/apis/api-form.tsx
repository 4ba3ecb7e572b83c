'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Checkbox,
  EntitySelect,
  ListInput,
  Select,
  TextInput,
  useForm,
} from '../../../components/fields';
import { FormActions, MutationForm } from '../../../components/forms';
import { useInvalidate } from '../../../components/list-page';
import { useTRPC } from '../../../lib/trpc';
import { ApiAuthFields } from './api-auth-fields';
import { type ApiView, initialDraft, toInput, ZApiForm } from './api-draft';
import { ApiPolicyFields } from './api-policy-fields';
import { ApiValidationFields } from './api-validation-fields';
import { McpSettings } from './mcp-settings';
import { RoutesEditor } from './routes-editor';

/** Create or edit an API: where it listens, which service it routes to, auth, policies, routes. */
export function ApiForm({ api, onDone }: { api: ApiView | null; onDone: () => void }) {
  const trpc = useTRPC();
  const services = useQuery(trpc.services.list.queryOptions());
  const form = useForm(ZApiForm, initialDraft(api), toInput);
  const invalidate = useInvalidate(trpc.apis.pathKey());
  const create = useMutation(trpc.apis.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.apis.update.mutationOptions({ onSuccess: invalidate }));
  const d = form.draft;
  const authType = typeof d.auth.type === 'string' ? d.auth.type : 'key';

  return (
    <MutationForm
      form={form}
      error={create.error ?? update.error}
      onValid={async (input) => {
        if (api) {
          await update.mutateAsync({
            id: api.id,
            ...input,
            description: input.description ?? null,
          });
        } else {
          const { mcp, ...rest } = input;
          await create.mutateAsync(mcp === null ? rest : { ...rest, mcp });
        }
        onDone();
      }}
    >
      <div className="form-row">
        <TextInput path="name" label="Name" placeholder="orders-api" />
        <TextInput path="version" label="Version" />
        <EntitySelect path="serviceId" label="Service" noun="service" rows={services.data} />
      </div>
      <div className="form-row">
        <TextInput path="description" label="Description" />
        <ListInput
          path="tags"
          label="Tags"
          hint="Labels to group and find APIs by: lower-case letters, digits, _ . -"
          placeholder="payments, internal"
        />
      </div>
      <div className="form-row">
        <TextInput path="basePath" label="Base path" placeholder="/orders" />
        <ListInput
          path="hosts"
          label="Hosts"
          hint="Empty answers on any host."
          placeholder="api.example.com"
        />
        <Select path="visibility" label="Visibility" options={['public', 'private']} />
      </div>
      <Checkbox path="stripBasePath" label="Strip the base path before forwarding" />

      <ApiAuthFields authType={authType} />

      <RoutesEditor routes={d.routes} />

      <McpSettings mcp={d.mcp} hasDocument={api?.hasOpenApiDocument ?? false} />

      <ApiPolicyFields hasCors={d.policies.cors !== undefined} />

      <ApiValidationFields
        enabled={d.policies.validation !== undefined}
        hasDocument={api?.hasOpenApiDocument ?? false}
      />

      <FormActions
        onCancel={onDone}
        submitLabel={api ? 'Save API' : 'Create API'}
        disabled={create.isPending || update.isPending}
      />
    </MutationForm>
  );
}
